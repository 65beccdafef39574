import { executeServerCommand } from '@web/test-runner-commands';
import { engineClient } from '../../widget/engine-client.ts';
import type { ChatMessage, ConnectionConfig, EngineApi, EngineEvent } from '../../worker/api.ts';
import { waitFor } from '../support/wait.ts';

/** Files and engine handles for the attachment tests (attachments-engine.test.ts). */

/** A PNG drawn with OffscreenCanvas: a gradient, so its preview is not one flat colour. */
export async function pngFile(width = 120, height = 80, name = 'drawing.png'): Promise<File> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  const gradient = context.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, '#0b6');
  gradient.addColorStop(1, '#a1f');
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  return new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' });
}

export const pdfFile = (name = 'notes.pdf'): File =>
  new File(['%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'], name, { type: 'application/pdf' });

/** A WAV of silence: 8 kHz, 8 bit, mono, so `ms` of it is 8 bytes a millisecond. */
export function wavFile(ms: number, name = 'voice.wav'): File {
  const samples = 8 * ms;
  const view = new DataView(new ArrayBuffer(44 + samples));
  const tag = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  tag(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, 8000, true); // sample rate
  view.setUint32(28, 8000, true); // byte rate
  view.setUint16(32, 1, true); // block align
  view.setUint16(34, 8, true); // bits per sample
  tag(36, 'data');
  view.setUint32(40, samples, true);
  for (let i = 44; i < 44 + samples; i++) view.setUint8(i, 128);
  return new File([view.buffer], name, { type: 'audio/wav' });
}

/** A real WebM: a canvas recorded for half a second. */
export async function webmFile(): Promise<File> {
  const canvas = document.createElement('canvas');
  Object.assign(canvas, { width: 320, height: 180 });
  const g = canvas.getContext('2d')!;
  const recorder = new MediaRecorder(canvas.captureStream(30));
  const chunks: Blob[] = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  const painting = setInterval(() => ((g.fillStyle = `hsl(${Date.now() % 360} 80% 50%)`), g.fillRect(0, 0, 320, 180)), 30);
  recorder.start();
  await new Promise((r) => setTimeout(r, 500));
  const stopped = new Promise((r) => (recorder.onstop = r));
  recorder.stop();
  await stopped;
  clearInterval(painting);
  return new File(chunks, 'clip.webm', { type: 'video/webm' });
}

/** One engine's view of one conversation: its API and every event it got. */
export interface Side {
  api: EngineApi;
  conversation: string;
  events: EngineEvent[];
  /** Messages of the conversation it was told about, by id (the newest version). */
  message(id: string): ChatMessage | undefined;
  /** `message` events for `id`. */
  count(id: string): number;
}

/** Opens `room` on a fresh engine named `engine` and waits until the room is joined. */
export async function side(engine: string, config: ConnectionConfig, room: string): Promise<Side> {
  const client = await engineClient(engine);
  const events: EngineEvent[] = [];
  client.on((event) => events.push(event));
  const api = client.api as unknown as EngineApi;
  const { conversation } = await api.open(config, room);
  await waitFor(() => events.some((e) => e.type === 'joined' && e.conversation === conversation), 20_000, `${config.user} joined ${room}`);
  const messages = () => events.flatMap((e) => (e.type === 'message' && e.message.conversation === conversation ? [e.message] : []));
  return {
    api,
    conversation,
    events,
    message: (id) => messages().filter((m) => m.id === id).pop(),
    count: (id) => messages().filter((m) => m.id === id).length,
  };
}

/** The statuses the engine reported for message `id`, in order. */
export const statusesOf = (s: Side, id: string): string[] => s.events.flatMap((e) => (e.type === 'status' && e.id === id ? [e.status] : []));

/** The bytes at `url`, fetched by this page. */
export const bytesAt = async (url: string): Promise<Uint8Array> => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
};

export const bytesOf = async (file: Blob): Promise<Uint8Array> => new Uint8Array(await file.arrayBuffer());

/** A front for POST /upload that holds uploads until opened (test/support/upload-gate.ts). */
export async function uploadGate() {
  const { id, url } = (await executeServerCommand('upload-gate-start')) as { id: number; url: string };
  return {
    url,
    set: (open: boolean, fail?: number) => executeServerCommand('upload-gate-set', { id, open, fail }),
    stats: () => executeServerCommand('upload-gate-stats', { id }) as Promise<{ requests: number; aborted: number; forwarded: number; refused: number }>,
  };
}
