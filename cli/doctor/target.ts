import type { Protocol } from '../../worker/api.ts';

/** What the doctor was asked to check, after the arguments were read. */
export interface Target {
  url: URL;
  protocol: Protocol;
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  room?: string;
  /** Longest wait for any one layer, in ms. */
  timeout: number;
}

/** The URL's host without IPv6 brackets, as `dns` and `net` want it. */
export const bareHost = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** host:port as a person writes it (IPv6 in brackets). */
export const hostPort = (t: Pick<Target, 'host' | 'port'>): string => (t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`);
