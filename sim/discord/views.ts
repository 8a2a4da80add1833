/**
 * What a member sees, as plain snapshots for tests and the demo's transcript: a message with its edits applied
 * and its buttons listed, a modal with its questions. Snapshots are copies; the live state stays in the world.
 */
import { COMPONENT } from './limits.ts';
import type { Json, MessageRecord } from './world.ts';
import { EPHEMERAL, LOADING } from './world.ts';

export interface SeenButton {
  customId: string | null;
  label: string | null;
  /** 1 primary, 2 secondary, 3 success, 4 danger, 5 link. */
  style: number;
  disabled: boolean;
  url: string | null;
}

export interface SeenSelect {
  customId: string;
  options: Array<{ label: string; value: string }>;
  disabled: boolean;
}

export interface SeenAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** The bytes as UTF-8 text (attachments the bot sends are CSV and such). */
  text: string;
}

export interface SeenMessage {
  id: string;
  channelId: string;
  authorId: string;
  content: string;
  embeds: Json[];
  components: Json[];
  buttons: SeenButton[];
  selects: SeenSelect[];
  attachments: SeenAttachment[];
  ephemeral: boolean;
  /** A deferred reply not yet edited ("ofx-mfa is thinking..."). */
  loading: boolean;
  edits: number;
  deleted: boolean;
  /** The interaction this message answers, if it is an interaction reply or follow-up. */
  interactionId: string | null;
  createdAt: number;
  /** Content, embed text, buttons and attachments as a member reads them, one block. */
  text: string;
}

export interface ModalField {
  customId: string;
  /** The question (the text input's label, or in the Label layout the Label's). */
  label: string;
  description: string | null;
  /** 1 short, 2 paragraph. */
  style: number;
  required: boolean;
  minLength: number | null;
  maxLength: number | null;
  placeholder: string | null;
  value: string | null;
}

export interface ModalView {
  /** The interaction this modal answered. */
  interactionId: string;
  customId: string;
  title: string;
  /** How the bot built it: Label (type 18) components, or text inputs in action rows. */
  layout: 'label' | 'row';
  fields: ModalField[];
  /** Text display components, in order. */
  texts: string[];
  /** The raw components as sent (the submit mirrors them). */
  components: Json[];
}

const asArray = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function walk(components: Json[], visit: (c: Json) => void): void {
  for (const c of components) {
    visit(c);
    walk(asArray(c.components), visit);
    if (c.component && typeof c.component === 'object') walk([c.component as Json], visit);
  }
}

export function buttonsOf(components: Json[]): SeenButton[] {
  const out: SeenButton[] = [];
  walk(components, (c) => {
    if (c.type === COMPONENT.button) {
      out.push({ customId: str(c.custom_id), label: str(c.label), style: Number(c.style ?? 1), disabled: c.disabled === true, url: str(c.url) });
    }
  });
  return out;
}

function selectsOf(components: Json[]): SeenSelect[] {
  const out: SeenSelect[] = [];
  walk(components, (c) => {
    if (c.type === COMPONENT.stringSelect) {
      out.push({
        customId: String(c.custom_id),
        options: asArray(c.options).map((o) => ({ label: String(o.label), value: String(o.value) })),
        disabled: c.disabled === true,
      });
    }
  });
  return out;
}

function embedText(embed: Json): string[] {
  const lines: string[] = [];
  const author = embed.author as Json | undefined;
  if (author?.name) lines.push(String(author.name));
  if (embed.title) lines.push(`**${String(embed.title)}**`);
  if (embed.description) lines.push(String(embed.description));
  for (const field of asArray(embed.fields)) lines.push(`${String(field.name)}: ${String(field.value)}`);
  const footer = embed.footer as Json | undefined;
  if (footer?.text) lines.push(String(footer.text));
  return lines;
}

export function messageText(m: { content: string; embeds: Json[]; components: Json[]; attachments: Array<{ filename: string; bytes: Buffer }>; flags: number }): string {
  const lines: string[] = [];
  if (m.flags & LOADING) lines.push('(thinking...)');
  if (m.content) lines.push(m.content);
  for (const embed of m.embeds) lines.push(...embedText(embed).map((l) => `│ ${l}`));
  const texts: string[] = [];
  walk(m.components, (c) => {
    if (c.type === COMPONENT.textDisplay && typeof c.content === 'string') texts.push(c.content);
  });
  lines.push(...texts);
  const buttons = buttonsOf(m.components);
  if (buttons.length) lines.push(buttons.map((b) => `[${b.label ?? '?'}${b.disabled ? ' (disabled)' : ''}]`).join(' '));
  for (const s of selectsOf(m.components)) lines.push(`<select: ${s.options.map((o) => o.label).join(' | ')}>`);
  for (const a of m.attachments) lines.push(`(attachment ${a.filename}, ${a.bytes.length} bytes)`);
  return lines.join('\n');
}

export function seenMessage(m: MessageRecord): SeenMessage {
  return {
    id: m.id,
    channelId: m.channelId,
    authorId: m.authorId,
    content: m.content,
    embeds: structuredClone(m.embeds),
    components: structuredClone(m.components),
    buttons: buttonsOf(m.components),
    selects: selectsOf(m.components),
    attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.bytes.length, text: a.bytes.toString('utf8') })),
    ephemeral: (m.flags & EPHEMERAL) !== 0,
    loading: (m.flags & LOADING) !== 0,
    edits: m.edits,
    deleted: m.deleted,
    interactionId: m.interactionId,
    createdAt: m.createdAt,
    text: messageText(m),
  };
}

function textInputField(input: Json, label: Json | null): ModalField {
  return {
    customId: String(input.custom_id),
    label: String(label ? label.label : input.label),
    description: label ? str(label.description) : null,
    style: Number(input.style ?? 1),
    required: input.required !== false,
    minLength: typeof input.min_length === 'number' ? input.min_length : null,
    maxLength: typeof input.max_length === 'number' ? input.max_length : null,
    placeholder: str(input.placeholder),
    value: str(input.value),
  };
}

/** A modal callback's data (already checked against the limits) as the member sees it. */
export function modalView(interactionId: string, data: Json): ModalView {
  const components = asArray(data.components);
  const fields: ModalField[] = [];
  const texts: string[] = [];
  let labels = 0;
  for (const c of components) {
    if (c.type === COMPONENT.actionRow) {
      for (const input of asArray(c.components)) fields.push(textInputField(input, null));
    } else if (c.type === COMPONENT.label) {
      labels += 1;
      const inner = c.component as Json;
      if (inner.type === COMPONENT.textInput) fields.push(textInputField(inner, c));
    } else if (c.type === COMPONENT.textDisplay) {
      texts.push(String(c.content));
    }
  }
  return {
    interactionId,
    customId: String(data.custom_id),
    title: String(data.title),
    layout: labels > 0 ? 'label' : 'row',
    fields,
    texts,
    components: structuredClone(components),
  };
}

/** The modal as a member reads it, for transcripts: title, texts, then each question (and its description). */
export function modalText(modal: ModalView): string {
  const lines = [`┌ ${modal.title}`];
  for (const t of modal.texts) lines.push(`│ ${t}`);
  for (const f of modal.fields) {
    lines.push(`│ ${f.label}${f.required ? ' *' : ''}`);
    if (f.description && f.description !== f.label) lines.push(`│   ${f.description}`);
  }
  lines.push('└');
  return lines.join('\n');
}
