/** The relay's words and components: pages of five, labels cut to 45 with the full question beneath, opaque ids. */
import { describe, expect, it } from 'vitest';
import {
  answerButtons,
  challengeText,
  modalFields,
  pageCount,
  pageOf,
  parseRelayStep,
  relayCustomId,
} from '../../bot/discord/relay/messages.ts';

const long = "Name of your high school football team, do not include high school name, e.g. 'Beavers' rather than 'Central High Beavers'";
const questions = [
  { id: 'MFA1', prompt: 'City of birth' },
  { id: 'MFA21', prompt: long },
  { id: 'MFA5', prompt: 'Favorite color' },
  { id: 'MFA16', prompt: "Mother's maiden name" },
  { id: 'MFA20', prompt: 'Name of the street you grew up on' },
  { id: 'SIMQ1', prompt: 'Name of your first pet?' },
  { id: 'SIMQ2', prompt: 'Favourite drink?' },
];

describe('challenge relay messages', () => {
  it('splits more than five questions into pages of at most five', () => {
    expect(pageCount(questions)).toBe(2);
    expect(pageOf(questions, 0).map((q) => q.id)).toEqual(['MFA1', 'MFA21', 'MFA5', 'MFA16', 'MFA20']);
    expect(pageOf(questions, 1).map((q) => q.id)).toEqual(['SIMQ1', 'SIMQ2']);
    expect(pageCount(questions.slice(0, 5))).toBe(1);
  });

  it('labels inputs with the question cut to 45 characters and the full text in the description, answers ≤ 64', () => {
    const fields = modalFields(pageOf(questions, 0));
    expect(fields.map((f) => f.customId)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
    expect(fields[1]!.label).toBe(long);
    expect(fields[1]!.description!.length).toBeLessThanOrEqual(100);
    expect(long.startsWith(fields[1]!.description!.replace(/…$/, ''))).toBe(true);
    expect(fields[0]!.description).toBeUndefined();
    for (const f of fields) expect(f.maxLength).toBe(64);
  });

  it('lists every question in full and names the connection and the trigger', () => {
    const text = challengeText({ relayId: 'x', connectionName: 'chase', trigger: 'schedule', scheduleLabel: '6h', questions, expiresAt: new Date() });
    expect(text).toContain('**chase**');
    expect(text).toContain('scheduled sync (every 6h)');
    for (const q of questions) expect(text).toContain(q.prompt);
  });

  it('puts only the opaque relay id and a step in custom ids, within 100 characters', () => {
    const relayId = 'Zr3x9Q2mVtq7b1Kc0aWf8w';
    const id = relayCustomId(relayId, 'a1');
    expect(id).toBe(`r:${relayId}:a1`);
    expect(parseRelayStep(id.slice(2))).toEqual({ relayId, step: 'a1' });
    const row = answerButtons(relayId, 1, 2).toJSON();
    const ids = row.components.map((c) => ('custom_id' in c ? c.custom_id : ''));
    expect(ids).toEqual([`r:${relayId}:a1`, `r:${relayId}:x`]);
    for (const c of ids) expect(c.length).toBeLessThanOrEqual(100);
  });
});
