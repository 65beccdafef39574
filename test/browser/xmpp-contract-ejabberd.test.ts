import { xmppContract } from './xmpp-contract-suite.ts';

// The same contract as on Prosody, against a second server implementation (ejabberd 23.01).
xmppContract('ejabberd');
