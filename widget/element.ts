/**
 * The package's main entry: the element class and the engine client, with no side effect, so
 * that importing it (in Node for SSR, or in an app that defines the element under its own
 * name) defines nothing. `widget/index.ts` is the entry that defines `<parley-chat>`.
 */
export { ParleyChat } from './parley-chat.ts';
export { engineClient, EngineStartError, type EngineClient, type EngineClientOptions } from './engine-client.ts';
export type * from '../worker/api.ts';
