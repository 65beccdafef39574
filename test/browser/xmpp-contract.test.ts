import { xmppContract } from './xmpp-contract-suite.ts';

xmppContract('prosody');
