import { xmppChat } from './xmpp-chat-suite.ts';

// The same chat tests as on Prosody, against a second server implementation (ejabberd 23.01).
xmppChat('ejabberd');
