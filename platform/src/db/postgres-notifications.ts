import pg from 'pg';
import { quoteIdentifier } from './database';

/** How long to wait before replacing a lost listening connection. */
const RECONNECT_DELAY_MS = 1_000;

/**
 * One dedicated connection per database for `LISTEN` (a pooled connection would be handed
 * to other work and miss notifications), opened on the first `listen` and shared by every
 * channel. A lost connection is replaced after a second and listens again on every channel
 * that still has listeners; notifications sent in between are not seen.
 */
export class PostgresNotifications {
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private closed = false;

  constructor(private readonly databaseUrl: string) {}

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let forChannel = this.listeners.get(channel);
    if (!forChannel) {
      forChannel = new Set();
      this.listeners.set(channel, forChannel);
      try {
        const client = await this.connection();
        await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      } catch (error) {
        this.listeners.delete(channel);
        throw error;
      }
    }
    forChannel.add(onPayload);
    return async () => {
      forChannel!.delete(onPayload);
      if (forChannel!.size > 0 || this.listeners.get(channel) !== forChannel) return;
      this.listeners.delete(channel);
      await this.client?.query(`UNLISTEN ${quoteIdentifier(channel)}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      for (const onPayload of this.listeners.get(message.channel) ?? []) onPayload(message.payload ?? '');
    });
    // A lost connection must not take the process down; it is replaced.
    client.on('error', (error) => console.error(`[db] PostgreSQL listening connection error: ${error.message}`));
    client.on('end', () => {
      if (this.client === client) this.client = undefined;
      if (!this.closed && this.listeners.size > 0) setTimeout(() => void this.relisten(), RECONNECT_DELAY_MS).unref();
    });
    await client.connect();
    this.client = client;
    return client;
  }

  private async relisten(): Promise<void> {
    if (this.closed || this.client) return;
    try {
      const client = await this.connection();
      for (const channel of this.listeners.keys()) await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (error) {
      console.error(`[db] PostgreSQL listening connection not restored: ${(error as Error).message}; retrying`);
      setTimeout(() => void this.relisten(), RECONNECT_DELAY_MS).unref();
    }
  }
}
