/**
 * Where a Parley conversation lives on an MQTT broker (docs/mqtt.md):
 * - chat messages: `<prefix>/<room>`, QoS 1;
 * - typing state:  `<prefix>/<room>/typing`, QoS 0, never retained;
 * - read markers:  `<prefix>/<room>/read`, QoS 0, never retained.
 * The room is one topic level, percent-encoded (`encodeURIComponent`) so that a `/` in a room
 * name cannot make a new level and `+`/`#` cannot act as wildcards (MQTT 3.1.1 §4.7.1).
 */
export const DEFAULT_TOPIC_PREFIX = 'parley/rooms';

export type TopicKind = 'chat' | 'typing' | 'read';

export interface TopicMap {
  chat(room: string): string;
  typing(room: string): string;
  read(room: string): string;
  /** The room and kind of a topic under the prefix, or undefined for any other topic. */
  parse(topic: string): { room: string; kind: TopicKind } | undefined;
}

export function topicMap(prefix = DEFAULT_TOPIC_PREFIX): TopicMap {
  const base = prefix.replace(/\/+$/, '');
  const head = `${base}/`;
  return {
    chat: (room) => `${head}${encodeURIComponent(room)}`,
    typing: (room) => `${head}${encodeURIComponent(room)}/typing`,
    read: (room) => `${head}${encodeURIComponent(room)}/read`,
    parse(topic) {
      if (!topic.startsWith(head)) return undefined;
      const [level, suffix, ...rest] = topic.slice(head.length).split('/');
      if (!level || rest.length > 0) return undefined;
      let room: string;
      try {
        room = decodeURIComponent(level);
      } catch {
        return undefined;
      }
      if (suffix === undefined) return { room, kind: 'chat' };
      return suffix === 'typing' || suffix === 'read' ? { room, kind: suffix } : undefined;
    },
  };
}

/** A prefix that can carry topics: no wildcards or NUL (MQTT 3.1.1 §4.7.1, §4.7.3). */
export const validPrefix = (prefix: string): boolean => prefix.length > 0 && !/[+#\u0000]/.test(prefix);
