import type { ConnectionConfig, LinkSettings } from './api.ts';

const SETTINGS = ['password', 'signature', 'name', 'nickname'] as const satisfies readonly (keyof LinkSettings)[];

/**
 * A widget's new settings over a link's (Connection.update). The newest win, and a setting
 * left out, `null` or empty keeps the current one: a tab of a page that sets no token or name
 * must not undo another tab's. `renamed`: the name the protocol shows changed (`shown`,
 * `capabilities.senderName`; either name while the protocol's chunk is not loaded), which the
 * link took when it was made. Undefined when nothing changed.
 */
export function withSettings(
  config: ConnectionConfig,
  settings: LinkSettings,
  shown?: 'name' | 'nickname',
): { config: ConnectionConfig; renamed: boolean } | undefined {
  const next: ConnectionConfig = { ...config };
  for (const key of SETTINGS) if (settings[key]) next[key] = settings[key];
  const changed = SETTINGS.filter((key) => next[key] !== config[key]);
  if (!changed.length) return undefined;
  const renamed = changed.some((key) => (shown ? key === shown : key === 'name' || key === 'nickname'));
  return { config: next, renamed };
}
