/**
 * The English catalogue, built in. Every string the widget shows or announces comes from a
 * catalogue; a page overrides any of them with the element's `strings` property. Functions take
 * numbers already formatted for the visitor's locale where a count is shown.
 */
export const en = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  unreadCount: (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  chatRegion: 'Chat',
  messages: 'Messages',
  messageBox: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  you: 'You',
  empty: 'No messages yet. Say hello!',
  showEarlier: 'Show earlier messages',
  loadingEarlier: 'Loading earlier messages…',
  newMessages: (n: number) => (n === 1 ? '1 new message' : `${n} new messages`),
  today: 'Today',
  yesterday: 'Yesterday',
  unreadable: 'Unreadable message',
  typing: (names: string[]) => `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…`,
  // Connection.
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  reconnectingIn: (seconds: number) => `Reconnecting in ${seconds} s…`,
  reconnectAttempt: (attempt: number) => `Reconnecting (attempt ${attempt})…`,
  offline: 'You are offline. Messages will be sent when you reconnect.',
  cannotConnect: (reason: string) => `Can't connect: ${reason}`,
  disconnected: 'Disconnected',
  offlineShort: 'Offline',
  notConnected: 'Not connected',
  retryNow: 'Retry now',
  startFailed: (reason: string) => `Could not start the chat engine: ${reason}`,
  // Alerts (attribute `notifications`).
  notificationsBlocked: "Notifications are blocked for this site. To hear of new messages while you're away, allow notifications in your browser's site settings.",
  notificationsUnsupported: "This browser can't show notifications here.",
  // Statuses: the accessible names of the glyphs.
  status: { queued: 'Waiting to send', sending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent' },
  notSent: (reason: string) => (reason ? `Not sent: ${reason}` : 'Not sent'),
  retry: 'Retry',
  edit: 'Edit',
  delete: 'Delete',
  cancel: 'Cancel',
  // Composer.
  counter: (length: string, max: string) => `${length} / ${max}`,
  tooLong: (max: string, length: string) => `Messages can be at most ${max} characters (this one has ${length}).`,
  // Connection details (worker/health.ts): durations arrive already worded ("1.2 s").
  health: {
    title: 'Connection details',
    show: 'Details',
    hide: 'Hide details',
    copy: 'Copy diagnostics',
    copied: 'Copied',
    loading: 'Asking the chat engine…',
    state: (state: string, since: string) => `Link: ${state}, for ${since}`,
    drops: (count: number, reason: string) => (count ? `Dropped ${count} times; last: ${reason}` : 'Never dropped'),
    roundTrip: (last: string, median: string) => `Server answers in ${last} (usually ${median})`,
    traffic: (received: number, sent: number) => `Messages received ${received}, sent ${sent}`,
    waiting: (count: number, oldest: string) => (count ? `${count} waiting to be sent, the oldest for ${oldest}` : 'Nothing waiting to be sent'),
    server: (url: string) => `Server: ${url}`,
  },
};

export type Strings = typeof en;
