import { html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import type { ChatMessage, MessageStatus } from '../../worker/api.ts';
import { canRetry } from '../engine-adapter.ts';
import type { DateFormats } from '../i18n/dates.ts';
import { validTime } from '../i18n/dates.ts';
import type { Strings } from '../i18n/catalogue.ts';
import { messageTexts } from './message-texts.ts';
import type { GapRow, MessageRow, Row } from './rows.ts';

export type MessageAction = 'retry' | 'edit' | 'delete' | 'cancel';

export interface RowContext {
  strings: Strings;
  dates: DateFormats;
  /** ms since the epoch, for "Today" and "Yesterday". */
  now: number;
  act(action: MessageAction, message: ChatMessage): void;
  /** The message's files, and their upload bar (widget/parley-chat/attachments-link.ts). */
  attachments?(message: ChatMessage): unknown;
}

/**
 * Status marks as inline SVG: they look the same in every font, and a mark is an image with an
 * accessible name (role="img"), not a character for a screen reader to spell out.
 */
const check = (x: number) => svg`<path d="M${x} 8.5l3 3L${x + 9} 4" />`;
const GLYPHS: Record<MessageStatus, SVGTemplateResult> = {
  queued: svg`<circle cx="8" cy="8" r="6" /><path d="M8 4.5V8l2.5 1.5" />`,
  sending: svg`<circle cx="8" cy="8" r="6" /><path d="M8 4.5V8l2.5 1.5" />`,
  sent: check(3),
  delivered: svg`${check(0)}${check(5)}`,
  read: svg`${check(0)}${check(5)}`,
  failed: svg`<circle cx="8" cy="8" r="6.5" /><path d="M8 4.5v4.5M8 11v.5" />`,
};

/**
 * One message. Whatever is wrong with a message (a time a Date cannot hold, a text that is not
 * a string), it renders as "unreadable message" and the rest of the list renders as usual.
 */
export function renderRow(row: Row, ctx: RowContext): TemplateResult {
  if (row.gap) return gapLine(row, ctx);
  try {
    return messageTemplate(row, ctx);
  } catch {
    return unreadable(row, ctx);
  }
}

/**
 * Where the server may have dropped messages (a lost MQTT session): said once, in the list at
 * that place, so the visitor does not read a silent gap as "nobody wrote". A separator, as the
 * day lines are; a list item, since it is a line of the list.
 */
function gapLine(row: GapRow, { strings }: RowContext): TemplateResult {
  return html`
    <div class="row gap" role="listitem" data-gap=${row.gap.order}>
      <div class="gap-line" part="gap" role="separator" aria-label=${strings.messagesMissing}><span>${strings.messagesMissing}</span></div>
    </div>
  `;
}

function messageTemplate({ message: m, dayStart, groupStart }: MessageRow, ctx: RowContext): TemplateResult {
  const ts = validTime(m.ts);
  if (ts === undefined) throw new RangeError(`unusable time ${String(m.ts)}`);
  if (typeof m.text !== 'string' || typeof m.from !== 'string' || typeof m.id !== 'string') throw new TypeError('bad field');
  const { strings, dates } = ctx;
  const texts = messageTexts(m, ts, dates);
  const failed = m.mine && m.status === 'failed';
  const classes = `row message${m.mine ? ' mine' : ''}${failed ? ' failed' : ''}${groupStart ? ' group-start' : ''}`;
  return html`
    <div class=${classes} role="listitem" data-id=${m.id}>
      ${dayStart === undefined ? nothing : html`<div class="day" part="day"><span>${dates.day(dayStart, ctx.now, strings)}</span></div>`}
      <div class="bubble" part="message ${m.mine ? 'mine' : 'theirs'}">
        ${m.mine
          ? html`<span class="sr-only">${strings.you}: </span>`
          : html`<div class="from${groupStart ? '' : ' sr-only'}" dir="auto">${m.name ?? m.from}</div>`}
        ${m.text || !m.attachments?.length ? html`<div class="text" dir="auto">${texts.parts.map((p) =>
          p.href ? html`<a href=${p.href} target="_blank" rel="noopener noreferrer">${p.text}</a>` : p.text,
        )}</div>` : nothing}
        ${m.attachments ? ctx.attachments?.(m) : nothing}
        <div class="meta">
          <time datetime=${texts.iso} title=${texts.full}>${texts.time}</time>
          ${m.mine && m.status ? status(m.status, strings) : nothing}
        </div>
        ${m.mine ? actions(m, ctx) : nothing}
      </div>
    </div>
  `;
}

function status(s: MessageStatus, strings: Strings): TemplateResult {
  const label = strings.status[s] ?? s;
  return html`<svg class="status" data-status=${s} role="img" aria-label=${label} viewBox="0 0 16 16"><title>${label}</title>${GLYPHS[s]}</svg>`;
}

function actions(m: ChatMessage, { strings, act }: RowContext): TemplateResult | typeof nothing {
  if (m.status === 'queued' || m.status === 'sending')
    return html`<div class="actions"><button class="link" @click=${() => act('cancel', m)}>${strings.cancel}</button></div>`;
  if (m.status !== 'failed') return nothing;
  const reason = m.error?.message ?? '';
  return html`
    <div class="actions">
      <span class="reason">${strings.notSent(reason)}</span>
      ${canRetry(m) ? html`<button class="link" @click=${() => act('retry', m)}>${strings.retry}</button>` : nothing}
      <button class="link" @click=${() => act('edit', m)}>${strings.edit}</button>
      <button class="link" @click=${() => act('delete', m)}>${strings.delete}</button>
    </div>
  `;
}

function unreadable({ key }: MessageRow, { strings }: RowContext): TemplateResult {
  return html`
    <div class="row message unreadable group-start" role="listitem" data-id=${key}>
      <div class="bubble" part="message unreadable"><em>${strings.unreadable}</em></div>
    </div>
  `;
}
