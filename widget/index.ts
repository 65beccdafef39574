export { ParleyChat } from './parley-chat.ts';
export type * from '../worker/api.ts';
