import type { MessageStatus, StateChange } from '../worker/api.ts';

/** What the status line says for a connection state. `now` in ms since the epoch. */
export function describeState(change: StateChange | undefined, now: number): string {
  switch (change?.to) {
    case undefined:
    case 'idle':
    case 'connecting':
      return change?.attempt ? `Reconnecting (attempt ${change.attempt})…` : 'Connecting…';
    case 'open':
      return 'Connected';
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil(((change.nextRetryAt ?? now) - now) / 1000));
      return seconds > 0 ? `Reconnecting in ${seconds} s…` : 'Reconnecting…';
    }
    case 'offline':
      return 'Offline. Messages will be sent when you are back online.';
    case 'failed':
      return `Cannot connect: ${change.error?.message ?? change.reason}`;
    case 'closed':
      return 'Disconnected';
  }
}

export const STATUS_LABELS: Record<MessageStatus, string> = {
  queued: 'Waiting to send',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Not sent',
  delivered: 'Delivered',
  read: 'Read',
};

/** How far along a message is; a later report never moves it back. `failed` ranks with `sending`. */
export const STATUS_RANK: Record<MessageStatus, number> = {
  queued: 0,
  sending: 1,
  failed: 1,
  sent: 2,
  delivered: 3,
  read: 4,
};

export const STATUS_ICONS: Record<MessageStatus, string> = {
  // Plain symbols, not emoji: they render in any font the page has.
  queued: '○',
  sending: '↑',
  sent: '✓',
  failed: '!',
  delivered: '✓✓',
  read: '✓✓',
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
export const formatTime = (ts: number): string => timeFormat.format(ts);
