/**
 * The syncs running in this process, so a front end can cancel one (a `Cancel` button) or tell that one is
 * already running without touching the database. Across processes the sync-run row is the lock; this is only the
 * in-memory part of a waiting sync (DESIGN 5).
 */

interface Entry {
  memberId: number;
  controller: AbortController;
}

export class RunningSyncs {
  readonly #entries = new Map<number, Entry>();

  isRunning(connectionId: number): boolean {
    return this.#entries.has(connectionId);
  }

  /**
   * Cancels the member's running sync of the connection: its signal aborts, a challenge wait ends as `cancelled`
   * and nothing more is sent to the bank. False when no sync of it runs here or it is not the member's.
   */
  cancel(connectionId: number, memberId: number): boolean {
    const entry = this.#entries.get(connectionId);
    if (!entry || entry.memberId !== memberId) return false;
    entry.controller.abort(new Error('cancelled by the member'));
    return true;
  }

  /** Stops every sync of this process (shutdown). Returns how many were running. */
  cancelAll(): number {
    const entries = [...this.#entries.values()];
    for (const entry of entries) entry.controller.abort(new Error('the process is stopping'));
    return entries.length;
  }

  /** Registers a starting sync; the returned function unregisters it. Throws if one is registered already. */
  register(connectionId: number, memberId: number, controller: AbortController): () => void {
    if (this.#entries.has(connectionId)) throw new Error(`a sync of connection ${connectionId} is already registered`);
    const entry = { memberId, controller };
    this.#entries.set(connectionId, entry);
    return () => {
      if (this.#entries.get(connectionId) === entry) this.#entries.delete(connectionId);
    };
  }
}

/** This process's registry; every sync started through syncConnection is in it while it runs. */
export const runningSyncs = new RunningSyncs();
