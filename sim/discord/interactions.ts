/**
 * Interactions and the rules Discord holds a bot to when answering them:
 * - the first response (callback) within 3 s of the interaction, else 10062 Unknown interaction;
 * - one acknowledgement per interaction, a second is 40060;
 * - a modal only as a first response, and never to a modal submit or an autocomplete;
 * - the token lives 15 minutes: callbacks after it are 10062, edits and follow-ups 50027 Invalid Webhook Token.
 * Times come from the injectable clock, so tests can step over 3 s or 15 minutes without waiting.
 */
import { alreadyAcknowledged, FormProblems, invalidWebhookToken, unknownInteraction, unknownMessage, unknownWebhook } from './errors.ts';
import { checkAutocompleteChoices, checkModal } from './limits.ts';
import { applyEdit, checkBody, newMessageFields, numberComponents } from './messages.ts';
import type { UploadedFile } from './messages.ts';
import { modalView } from './views.ts';
import type { ModalView } from './views.ts';
import type { Json, MessageRecord, World } from './world.ts';
import { EPHEMERAL, LOADING } from './world.ts';

export const FIRST_RESPONSE_MS = 3_000;
export const TOKEN_LIFETIME_MS = 15 * 60_000;

/** Interaction types (discord-api-types InteractionType). */
export const INTERACTION = { command: 2, component: 3, autocomplete: 4, modalSubmit: 5 } as const;
export type InteractionKind = 'command' | 'component' | 'autocomplete' | 'modalSubmit';

/** Interaction callback types. */
export const CALLBACK = {
  reply: 4,
  deferReply: 5,
  deferUpdate: 6,
  update: 7,
  autocomplete: 8,
  modal: 9,
} as const;

export interface Choice {
  name: string;
  value: string | number;
}

export interface Refusal {
  route: string;
  status: number;
  code: number;
  message: string;
}

export interface InteractionRecord {
  id: string;
  token: string;
  kind: InteractionKind;
  userId: string;
  channelId: string;
  dm: boolean;
  createdAt: number;
  /** performance.now() at dispatch and at the accepted first response: acknowledgement latency, wall time. */
  dispatchedPerf: number;
  ackPerf: number | null;
  payload: Json;
  ackType: number | null;
  ackEphemeral: boolean;
  /** The message @original names: the reply (after 4/5), or the component's message (after 6/7). */
  originalMessageId: string | null;
  /** Components and modals opened from one: the message carrying the component. */
  sourceMessageId: string | null;
  modal: ModalView | null;
  /** For modal submits: the modal answered. */
  answersModal: ModalView | null;
  choices: Choice[] | null;
  followupIds: string[];
  refusals: Refusal[];
}

const asArray = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function invalidResponseType(type: unknown): never {
  const problems = new FormProblems();
  problems.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', `Interaction response type ${String(type)} is not valid for this interaction`);
  problems.throwIfAny();
  throw new Error('unreachable');
}

export class Interactions {
  readonly byId = new Map<string, InteractionRecord>();
  private readonly byToken = new Map<string, InteractionRecord>();

  constructor(private readonly world: World) {}

  add(record: InteractionRecord): void {
    this.byId.set(record.id, record);
    this.byToken.set(record.token, record);
  }

  private age(record: InteractionRecord): number {
    return this.world.now() - record.createdAt;
  }

  /** POST /interactions/{id}/{token}/callback. Returns the `with_response` body. */
  callback(id: string, token: string, body: Json, files: UploadedFile[]): Json {
    const record = this.byId.get(id);
    if (!record || record.token !== token) throw unknownInteraction();
    if (this.age(record) > TOKEN_LIFETIME_MS) throw unknownInteraction();
    if (record.ackType !== null) throw alreadyAcknowledged();
    if (this.age(record) > FIRST_RESPONSE_MS) throw unknownInteraction();

    const type = body.type;
    const data = (typeof body.data === 'object' && body.data !== null ? body.data : {}) as Json;
    const allowed = this.allowedTypes(record);
    if (typeof type !== 'number' || !allowed.includes(type)) invalidResponseType(type);

    let message: MessageRecord | null = null;
    switch (type) {
      case CALLBACK.reply: {
        const fields = newMessageFields(this.world, data, files);
        message = this.world.addMessage({
          ...fields,
          flags: fields.flags & ~LOADING,
          channelId: record.channelId,
          authorId: this.world.bot.id,
          visibleTo: fields.flags & EPHEMERAL ? record.userId : null,
          interactionId: record.id,
          type: record.kind === 'command' ? 20 : 19,
        });
        record.originalMessageId = message.id;
        break;
      }
      case CALLBACK.deferReply: {
        const flags = (typeof data.flags === 'number' ? data.flags : 0) & EPHEMERAL;
        message = this.world.addMessage({
          content: '',
          embeds: [],
          components: [],
          attachments: [],
          flags: flags | LOADING,
          channelId: record.channelId,
          authorId: this.world.bot.id,
          visibleTo: flags ? record.userId : null,
          interactionId: record.id,
          type: record.kind === 'command' ? 20 : 19,
        });
        record.originalMessageId = message.id;
        break;
      }
      case CALLBACK.deferUpdate:
        record.originalMessageId = record.sourceMessageId;
        break;
      case CALLBACK.update: {
        const source = this.world.messages.get(record.sourceMessageId ?? '');
        if (!source || source.deleted) throw unknownMessage();
        applyEdit(this.world, source, data, files);
        record.originalMessageId = source.id;
        message = source;
        break;
      }
      case CALLBACK.autocomplete: {
        const problems = new FormProblems();
        checkAutocompleteChoices(data, problems);
        problems.throwIfAny();
        record.choices = asArray(data.choices).map((c) => ({ name: String(c.name), value: c.value as string | number }));
        break;
      }
      case CALLBACK.modal: {
        const problems = new FormProblems();
        checkModal(data, problems);
        problems.throwIfAny();
        record.modal = modalView(record.id, { ...data, components: numberComponents(asArray(data.components)) });
        break;
      }
    }
    record.ackType = type;
    record.ackEphemeral = message ? (message.flags & EPHEMERAL) !== 0 : false;
    record.ackPerf = performance.now();
    return {
      interaction: {
        id: record.id,
        type: record.payload.type,
        ...(message
          ? { response_message_id: message.id, response_message_loading: (message.flags & LOADING) !== 0, response_message_ephemeral: (message.flags & EPHEMERAL) !== 0 }
          : {}),
      },
      resource: { type, ...(message ? { message: this.world.messageJson(message) } : {}) },
    };
  }

  /** Which first responses Discord takes for this interaction. */
  private allowedTypes(record: InteractionRecord): number[] {
    switch (record.kind) {
      case 'autocomplete':
        return [CALLBACK.autocomplete];
      case 'command':
        return [CALLBACK.reply, CALLBACK.deferReply, CALLBACK.modal];
      case 'component':
        return [CALLBACK.reply, CALLBACK.deferReply, CALLBACK.deferUpdate, CALLBACK.update, CALLBACK.modal];
      case 'modalSubmit':
        // A modal cannot answer a modal; updating a message needs the modal to have come from one.
        return record.sourceMessageId
          ? [CALLBACK.reply, CALLBACK.deferReply, CALLBACK.deferUpdate, CALLBACK.update]
          : [CALLBACK.reply, CALLBACK.deferReply];
    }
  }

  /** The interaction behind a webhook route, alive and acknowledged. */
  private forWebhook(applicationId: string, token: string): InteractionRecord {
    const record = this.byToken.get(token);
    if (!record || applicationId !== this.world.applicationId) throw unknownWebhook();
    if (this.age(record) > TOKEN_LIFETIME_MS) throw invalidWebhookToken();
    if (record.ackType === null || record.ackType === CALLBACK.autocomplete) throw unknownWebhook();
    return record;
  }

  private webhookMessage(record: InteractionRecord, messageId: string): MessageRecord {
    const id = messageId === '@original' ? record.originalMessageId : messageId;
    if (!id || (id !== record.originalMessageId && !record.followupIds.includes(id))) throw unknownMessage();
    const message = this.world.messages.get(id);
    if (!message || message.deleted) throw unknownMessage();
    return message;
  }

  fetchMessage(applicationId: string, token: string, messageId: string): MessageRecord {
    return this.webhookMessage(this.forWebhook(applicationId, token), messageId);
  }

  editMessage(applicationId: string, token: string, messageId: string, body: Json, files: UploadedFile[]): MessageRecord {
    const record = this.forWebhook(applicationId, token);
    const message = this.webhookMessage(record, messageId);
    applyEdit(this.world, message, body, files);
    return message;
  }

  deleteMessage(applicationId: string, token: string, messageId: string): MessageRecord {
    const record = this.forWebhook(applicationId, token);
    const message = this.webhookMessage(record, messageId);
    message.deleted = true;
    return message;
  }

  followup(applicationId: string, token: string, body: Json, files: UploadedFile[]): MessageRecord {
    const record = this.forWebhook(applicationId, token);
    checkBody(body);
    const fields = newMessageFields(this.world, body, files);
    const message = this.world.addMessage({
      ...fields,
      flags: fields.flags & ~LOADING,
      channelId: record.channelId,
      authorId: this.world.bot.id,
      visibleTo: fields.flags & EPHEMERAL ? record.userId : null,
      interactionId: record.id,
      type: 0,
    });
    record.followupIds.push(message.id);
    return message;
  }

  /** The interaction a callback or webhook path names, for recording refusals against it. */
  find(id: string | undefined, token: string | undefined): InteractionRecord | undefined {
    return (id ? this.byId.get(id) : undefined) ?? (token ? this.byToken.get(token) : undefined);
  }
}
