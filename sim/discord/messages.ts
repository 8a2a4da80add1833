/**
 * Message bodies as bots send them (create, edit, interaction replies): checked against Discord's limits, turned
 * into stored messages, and edits applied the way Discord applies them (omitted fields stay, given ones replace).
 */
import { emptyMessage, FormProblems } from './errors.ts';
import { checkMessagePayload } from './limits.ts';
import type { AttachmentRecord, Json, MessageRecord, World } from './world.ts';
import { EPHEMERAL, LOADING } from './world.ts';

/** A file of a multipart request: `files[n]` with its bytes. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

const asArray = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** The attachments a body declares (`attachments: [{id: 0, filename}]`) matched with the uploaded `files[id]`. */
function uploadedAttachments(world: World, body: Json, files: UploadedFile[]): AttachmentRecord[] {
  const declared = asArray(body.attachments);
  return files.map((file, index) => {
    const key = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? String(index);
    const meta = declared.find((a) => String(a.id) === key);
    return {
      id: world.ids.next(),
      filename: typeof meta?.filename === 'string' ? meta.filename : file.filename,
      contentType: file.contentType || 'application/octet-stream',
      bytes: file.bytes,
      description: typeof meta?.description === 'string' ? meta.description : null,
    };
  });
}

export function checkBody(body: Json): void {
  const problems = new FormProblems();
  checkMessagePayload(body, problems);
  problems.throwIfAny();
}

function hasSomething(fields: { content: string; embeds: Json[]; components: Json[]; attachments: AttachmentRecord[] }): boolean {
  return fields.content.trim() !== '' || fields.embeds.length > 0 || fields.components.length > 0 || fields.attachments.length > 0;
}

export interface NewMessage {
  content: string;
  embeds: Json[];
  components: Json[];
  attachments: AttachmentRecord[];
  flags: number;
}

/** A new message's fields from a create body; refuses an empty one with 50006 as Discord does. */
export function newMessageFields(world: World, body: Json, files: UploadedFile[], allowEmpty = false): NewMessage {
  checkBody(body);
  const fields: NewMessage = {
    content: typeof body.content === 'string' ? body.content : '',
    embeds: asArray(body.embeds),
    components: numberComponents(asArray(body.components)),
    attachments: uploadedAttachments(world, body, files),
    flags: typeof body.flags === 'number' ? body.flags : 0,
  };
  if (!allowEmpty && !hasSomething(fields)) throw emptyMessage();
  return fields;
}

/** An edit: given fields replace, omitted ones stay; `attachments` lists the old ones to keep. Clears LOADING. */
export function applyEdit(world: World, message: MessageRecord, body: Json, files: UploadedFile[]): void {
  checkBody(body);
  const next = {
    content: 'content' in body ? (typeof body.content === 'string' ? body.content : '') : message.content,
    embeds: 'embeds' in body ? asArray(body.embeds) : message.embeds,
    components: 'components' in body ? numberComponents(asArray(body.components)) : message.components,
    attachments: message.attachments,
  };
  if ('attachments' in body) {
    const keep = new Set(asArray(body.attachments).map((a) => String(a.id)));
    next.attachments = message.attachments.filter((a) => keep.has(a.id));
  }
  next.attachments = [...next.attachments, ...uploadedAttachments(world, body, files)];
  if (!hasSomething(next)) throw emptyMessage();
  message.content = next.content;
  message.embeds = next.embeds;
  message.components = next.components;
  message.attachments = next.attachments;
  // Ephemerality is fixed when a message is created; an edit can only change the suppress-embeds bit and such.
  if (typeof body.flags === 'number') message.flags = (message.flags & EPHEMERAL) | (body.flags & ~EPHEMERAL & ~LOADING);
  message.flags &= ~LOADING;
  message.editedAt = world.now();
  message.edits += 1;
}

/** Discord gives every component a numeric `id` when the bot leaves it out; discord.js reads it back. */
export function numberComponents<T extends Json>(components: T[]): T[] {
  let next = 1;
  const used = new Set<number>();
  const collect = (c: unknown): void => {
    if (typeof c !== 'object' || c === null) return;
    const o = c as Json;
    if (typeof o.id === 'number') used.add(o.id);
    asArray(o.components).forEach(collect);
    if (o.component) collect(o.component);
  };
  components.forEach(collect);
  const assign = (c: Json): Json => {
    const out: Json = { ...c };
    if (typeof out.id !== 'number') {
      while (used.has(next)) next += 1;
      out.id = next;
      used.add(next);
    }
    if (Array.isArray(out.components)) out.components = (out.components as Json[]).map(assign);
    if (out.component && typeof out.component === 'object') out.component = assign(out.component as Json);
    return out;
  };
  return components.map((c) => assign(c) as T);
}
