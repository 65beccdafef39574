/**
 * Every piece of xmpp.js the XMPP transport uses, in one module. xmpp.js reaches CommonJS
 * packages (`events`, `saslmechanisms`), which Vite converts when it builds; the browser tests'
 * dev server does not, so it serves this one file pre-bundled (test/support/wtr-bundle.ts).
 */
export { Client, jid, xml } from '@xmpp/client-core';
export type { Element, Entity, IqCaller, JID, StreamManagement } from '@xmpp/client-core';
export { default as iqCallee } from '@xmpp/iq/callee.js';
export { default as iqCaller } from '@xmpp/iq/caller.js';
export { default as middleware } from '@xmpp/middleware';
export { default as resourceBinding } from '@xmpp/resource-binding';
export { default as sasl } from '@xmpp/sasl';
export { default as saslPlain } from '@xmpp/sasl-plain';
export { default as streamFeatures } from '@xmpp/stream-features';
export { default as streamManagement } from '@xmpp/stream-management';
export { default as websocket } from '@xmpp/websocket';
export { default as SASLFactory } from 'saslmechanisms';
