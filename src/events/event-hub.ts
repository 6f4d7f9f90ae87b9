import type { Redis } from 'ioredis';
import type { RunEvent } from './run-event-map.ts';
import { teamEventsChannel } from './event-publisher.ts';
import { isRunProgress, type RunProgress } from './run-progress.ts';

/**
 * What travels on a team's channel: run events, and the events of other streams that share
 * the channel (an experiment's), which carry their stream's id instead of `runId`.
 */
export type TeamChannelEvent = RunEvent | { seq: number; type: string; experimentId: string; runId?: undefined };

export function isRunEvent(event: TeamChannelEvent): event is RunEvent {
  return typeof event.runId === 'string';
}

export interface TeamEventListener {
  onEvent: (event: TeamChannelEvent) => void;
  /** Transient batch progress (src/events/run-progress.ts); listeners that do not ask never see it. */
  onProgress?: (progress: RunProgress) => void;
  /**
   * Redis reconnected: announcements made while it was down are lost, so listeners re-read
   * PostgreSQL. Called once the subscriptions are active again.
   */
  onResync?: () => void;
}

interface TeamSubscription {
  listeners: Set<TeamEventListener>;
  /** Resolves once Redis confirmed the SUBSCRIBE. */
  ready: Promise<unknown>;
}

/**
 * One Redis subscriber connection per API process, shared by every WebSocket: a team's
 * channel is subscribed while at least one listener wants it. Commands on one connection run
 * in order, so an UNSUBSCRIBE followed by a new SUBSCRIBE of the same channel ends subscribed.
 */
export class EventHub {
  private readonly teams = new Map<string, TeamSubscription>();
  private readonly channelPrefix: string;
  private disconnected = false;
  private closed = false;

  /** `subscriber` must be a dedicated connection: it is put into subscriber mode. */
  constructor(
    private readonly subscriber: Redis,
    private readonly redisPrefix: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.channelPrefix = teamEventsChannel(redisPrefix, '');
    subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    subscriber.on('close', () => {
      this.disconnected = true;
    });
    subscriber.on('ready', () => {
      if (!this.disconnected) return;
      this.disconnected = false;
      void this.resync();
    });
    subscriber.on('error', (err) => this.onError(err));
  }

  /**
   * Starts delivering the team's events to `listener`; resolves once the subscription is
   * active, so anything published afterwards is seen. Returns the function that stops it.
   */
  async subscribeTeam(teamId: string, listener: TeamEventListener): Promise<() => void> {
    if (this.closed) throw new Error('event hub is closed');
    let sub = this.teams.get(teamId);
    if (!sub) {
      sub = { listeners: new Set(), ready: this.subscriber.subscribe(this.channel(teamId)) };
      this.teams.set(teamId, sub);
    }
    sub.listeners.add(listener);
    try {
      await sub.ready;
    } catch (err) {
      this.remove(teamId, sub, listener);
      throw err;
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.remove(teamId, sub, listener);
    };
  }

  /** Number of teams subscribed on Redis right now (for tests and metrics). */
  get subscribedTeams(): number {
    return this.teams.size;
  }

  /** Listeners across all teams: each open WebSocket stream is one (GET /metrics). */
  get listeners(): number {
    let count = 0;
    for (const sub of this.teams.values()) count += sub.listeners.size;
    return count;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.teams.clear();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private channel(teamId: string) {
    return teamEventsChannel(this.redisPrefix, teamId);
  }

  private remove(teamId: string, sub: TeamSubscription, listener: TeamEventListener) {
    sub.listeners.delete(listener);
    if (sub.listeners.size > 0 || this.teams.get(teamId) !== sub) return;
    this.teams.delete(teamId);
    if (!this.closed) this.subscriber.unsubscribe(this.channel(teamId)).catch((err) => this.onError(err));
  }

  private dispatch(channel: string, message: string) {
    if (!channel.startsWith(this.channelPrefix)) return;
    const sub = this.teams.get(channel.slice(this.channelPrefix.length));
    if (!sub) return;
    let event: TeamChannelEvent;
    try {
      event = JSON.parse(message) as TeamChannelEvent;
    } catch (err) {
      return this.onError(err);
    }
    if (isRunProgress(event)) return this.dispatchProgress(sub, event);
    if (typeof event?.seq !== 'number' || (typeof event.runId !== 'string' && typeof event.experimentId !== 'string')) return this.onError(new Error(`malformed event on ${channel}`));
    for (const listener of sub.listeners) {
      try {
        listener.onEvent(event);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  private dispatchProgress(sub: TeamSubscription, progress: RunProgress) {
    for (const listener of sub.listeners) {
      try {
        listener.onProgress?.(progress);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  /** ioredis re-subscribes by itself on reconnect; our own SUBSCRIBE tells us when that is done. */
  private async resync() {
    const teamIds = [...this.teams.keys()];
    if (teamIds.length === 0) return;
    try {
      await this.subscriber.subscribe(...teamIds.map((id) => this.channel(id)));
    } catch (err) {
      return this.onError(err);
    }
    for (const id of teamIds) {
      for (const listener of this.teams.get(id)?.listeners ?? []) listener.onResync?.();
    }
  }
}
