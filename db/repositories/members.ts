/** Members: the people who own connections, known by Discord user id or (command line) a local name. */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../connection.ts';
import { param, prepared } from '../prepared.ts';
import { members } from '../schema.ts';
import type { Member } from '../schema.ts';

/** The command-line member for a local name such as `local:alice`, created on first use. */
export function ensureLocalMember(db: Database, name: string): Member {
  db.orm.insert(members).values({ localName: name, displayName: name }).onConflictDoNothing().run();
  return must(db.orm.select().from(members).where(eq(members.localName, name)).get(), name);
}

/** The member behind a Discord user, created on first use; the display name follows the latest seen. */
/** Every Discord interaction starts with this, before its acknowledgement: prepared once per database. */
export function ensureDiscordMember(db: Database, discordUserId: string, displayName: string): Member {
  return must(
    prepared(db, 'members.ensureDiscord', (orm) =>
      orm
        .insert(members)
        .values({ discordUserId: sql.placeholder('discordUserId'), displayName: sql.placeholder('displayName') })
        .onConflictDoUpdate({ target: members.discordUserId, set: { displayName: param('displayName') } })
        .returning()
        .prepare(),
    ).get({ discordUserId, displayName }),
    discordUserId,
  );
}

export function getMember(db: Database, id: number): Member | null {
  return db.orm.select().from(members).where(eq(members.id, id)).get() ?? null;
}

/** Member preferences (DESIGN 4.4): schedule DMs, amounts in the household channel. */
export function setShareAmounts(db: Database, memberId: number, share: boolean): void {
  db.orm.update(members).set({ shareAmounts: share }).where(eq(members.id, memberId)).run();
}

export function setScheduleDms(db: Database, memberId: number, on: boolean): void {
  db.orm.update(members).set({ scheduleDms: on }).where(eq(members.id, memberId)).run();
}

function must(member: Member | undefined, who: string): Member {
  if (!member) throw new Error(`member ${who} was neither found nor created`);
  return member;
}
