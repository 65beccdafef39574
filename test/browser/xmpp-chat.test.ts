import { xmppChat } from './xmpp-chat-suite.ts';

xmppChat('prosody');
