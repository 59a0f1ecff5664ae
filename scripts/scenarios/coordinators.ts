/**
 * Small example coordinators for the integration scenarios of
 * EVENT_FLOW_INTEGRATION.md (scripts/scenarios/*.ts, `npm run demo -- <n>`),
 * built on the generated catalog's HandlerBase and emitters: they start on the
 * process-wide router, created by the first of them to start.
 * They simulate the work (training, gauntlets) and keep only the decisions:
 * threshold → training trigger, promotion on Elo delta, pause on a critical
 * regression or an unhealthy cluster. Subscriptions use different spellings
 * on purpose (value strings, stage names, topics, canonical names): the router
 * resolves them all to the same events.
 */
import {
  DataEventType,
  HandlerBase,
  emitEvaluationCompleted,
  emitEvaluationStarted,
  emitModelPromoted,
  emitNewGamesAvailable,
  emitP2pClusterHealthy,
  emitP2pClusterUnhealthy,
  emitPromotionRejected,
  emitPromotionRolledBack,
  emitTrainingCompleted,
  emitTrainingRollbackNeeded,
  emitTrainingStarted,
  emitTrainingThresholdReached,
  type BoardType,
  type ConfigKey,
  type EventPayloadMap,
  type NumPlayers,
} from '../../generated/index.js';
import type { EventEnvelope, SubscriptionMap } from '../../runtime/index.js';

type Event<E extends keyof EventPayloadMap> = EventEnvelope<EventPayloadMap[E]>;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function parseConfigKey(key: ConfigKey): { board_type: BoardType; num_players: NumPlayers } {
  const at = key.lastIndexOf('_');
  return { board_type: key.slice(0, at) as BoardType, num_players: Number(key.slice(at + 1, -1)) as NumPlayers };
}

/** SELFPLAY_COMPLETE → NEW_GAMES_AVAILABLE with the running total per configuration. */
export class DataConsolidationDaemon extends HandlerBase {
  private readonly totals = new Map<string, number>();

  constructor() {
    super('DataConsolidationDaemon');
  }

  getSubscriptions(): SubscriptionMap {
    return { selfplay_complete: this.onSelfplayComplete }; // the stage name
  }

  private async onSelfplayComplete(event: Event<'SELFPLAY_COMPLETE'>): Promise<void> {
    const { config_key, games_completed, node_id } = event.data;
    const total = (this.totals.get(config_key) ?? 0) + games_completed;
    this.totals.set(config_key, total);
    await emitNewGamesAvailable(
      { host: node_id ?? 'local', new_games: games_completed, config_key, total_games: total, database_path: `data/games/canonical_${config_key}.db` },
      { source: this.name },
    );
  }
}

/** NEW_GAMES_AVAILABLE → TRAINING_THRESHOLD_REACHED once a configuration has enough games. */
export class DataPipelineOrchestrator extends HandlerBase {
  private readonly triggered = new Set<string>();

  constructor(private readonly threshold: number) {
    super('DataPipelineOrchestrator');
  }

  getSubscriptions(): SubscriptionMap {
    return { [DataEventType.NEW_GAMES_AVAILABLE]: this.onNewGames }; // the value string, "new_games"
  }

  private async onNewGames(event: Event<'NEW_GAMES_AVAILABLE'>): Promise<void> {
    const { config_key, total_games = 0 } = event.data;
    if (!config_key || total_games < this.threshold || this.triggered.has(config_key)) return;
    this.triggered.add(config_key);
    await emitTrainingThresholdReached(
      { config_key, sample_count: total_games, threshold: this.threshold, trigger_reason: 'threshold', games_played: total_games },
      { source: this.name },
    );
  }
}

export interface TrainingCoordinatorOptions {
  /** Simulated training time. */
  readonly trainMs?: number;
  /** Simulated checkpoint restore. */
  readonly rollbackMs?: number;
  /** Pause kept after a rollback before training resumes. */
  readonly resumeAfterRollbackMs?: number;
}

/**
 * Trains on TRAINING_THRESHOLD_REACHED (TRAINING_STARTED, then
 * TRAINING_COMPLETED); pauses on REGRESSION_CRITICAL and on
 * P2P_CLUSTER_UNHEALTHY; on TRAINING_ROLLBACK_NEEDED restores the previous
 * checkpoint, emits PROMOTION_ROLLED_BACK and resumes after a cool-down; on
 * P2P_CLUSTER_HEALTHY resumes. Requests that arrive while paused wait.
 */
export class TrainingCoordinator extends HandlerBase {
  private readonly pauseReasons = new Set<string>();
  private readonly waiting: Event<'TRAINING_THRESHOLD_REACHED'>['data'][] = [];
  private resumeTimer: NodeJS.Timeout | undefined;
  private jobs = 0;
  /** State transitions, for the scenarios to check. */
  readonly log: string[] = [];

  constructor(private readonly options: TrainingCoordinatorOptions = {}) {
    super('TrainingCoordinator');
  }

  getSubscriptions(): SubscriptionMap {
    return {
      TRAINING_THRESHOLD_REACHED: this.onThresholdReached,
      regression_critical: this.onRegressionCritical,
      'training.rollback_needed': this.onRollbackNeeded, // the topic
      [DataEventType.P2P_CLUSTER_UNHEALTHY]: this.onClusterUnhealthy,
      [DataEventType.P2P_CLUSTER_HEALTHY]: this.onClusterHealthy,
    };
  }

  isPaused(): boolean {
    return this.pauseReasons.size > 0;
  }

  protected override onStop(): void {
    clearTimeout(this.resumeTimer);
  }

  private async onThresholdReached(event: Event<'TRAINING_THRESHOLD_REACHED'>): Promise<void> {
    if (this.isPaused()) {
      this.waiting.push(event.data);
      this.log.push(`queued:${event.data.config_key}`);
      return;
    }
    await this.train(event.data);
  }

  private async train(request: Event<'TRAINING_THRESHOLD_REACHED'>['data']): Promise<void> {
    const { config_key } = request;
    const { board_type, num_players } = parseConfigKey(config_key);
    const job_id = `${config_key}_job${++this.jobs}`;
    this.log.push(`train:${config_key}`);
    await emitTrainingStarted({ config_key, job_id, board_type, num_players, node_name: 'gpu-1' }, { source: this.name });
    await delay(this.options.trainMs ?? 5);
    await emitTrainingCompleted(
      {
        config_key,
        board_type,
        num_players,
        job_id,
        model_path: `models/candidate_${config_key}_${this.jobs}.pth`,
        epochs: 50,
        final_loss: 0.234,
        val_loss: 0.256,
        samples_trained: request.sample_count,
      },
      { source: this.name },
    );
  }

  private onRegressionCritical(event: Event<'REGRESSION_CRITICAL'>): void {
    this.pause(`regression:${event.data.config_key}`);
  }

  private async onRollbackNeeded(event: Event<'TRAINING_ROLLBACK_NEEDED'>): Promise<void> {
    this.log.push('rollback');
    await delay(this.options.rollbackMs ?? 5); // restore the previous checkpoint
    await emitPromotionRolledBack(
      { model_id: event.data.model_id, reason: event.data.reason, rollback_to: 'models/canonical_hex8_2p.prev.pth' },
      { source: this.name },
    );
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      for (const reason of [...this.pauseReasons]) if (reason.startsWith('regression:')) this.resume(reason);
    }, this.options.resumeAfterRollbackMs ?? 0);
  }

  private onClusterUnhealthy(): void {
    this.pause('cluster');
  }

  private async onClusterHealthy(): Promise<void> {
    this.resume('cluster');
    // Requests that waited out the pause run now, one after another.
    while (!this.isPaused() && this.waiting.length > 0) await this.train(this.waiting.shift()!);
  }

  private pause(reason: string): void {
    if (this.pauseReasons.has(reason)) return;
    this.pauseReasons.add(reason);
    this.log.push(`paused:${reason}`);
  }

  private resume(reason: string): void {
    if (!this.pauseReasons.delete(reason)) return;
    this.log.push(`resumed:${reason}`);
  }
}

/** A simulated gauntlet: TRAINING_COMPLETED → EVALUATION_STARTED, EVALUATION_COMPLETED with an Elo gain. */
export class EvaluationDaemon extends HandlerBase {
  constructor(
    private readonly baselineElo: number,
    private readonly eloGain: (configKey: string) => number,
  ) {
    super('EvaluationDaemon');
  }

  getSubscriptions(): SubscriptionMap {
    return { training_complete: this.onTrainingCompleted }; // the stage name
  }

  private async onTrainingCompleted(event: Event<'TRAINING_COMPLETED'>): Promise<void> {
    const { config_key, board_type, num_players, model_path } = event.data;
    await emitEvaluationStarted({ model_id: model_path, board_type, num_players, evaluation_type: 'gauntlet', games_planned: 100 }, { source: this.name });
    const gain = this.eloGain(config_key);
    await emitEvaluationCompleted(
      {
        config_key,
        board_type,
        num_players,
        model_path,
        elo: this.baselineElo + gain,
        elo_delta: gain,
        games_played: 100,
        win_rate: 0.65,
        win_rate_vs_random: 0.95,
        win_rate_vs_heuristic: 0.65,
        passed_gauntlet: gain > 0,
      },
      { source: this.name },
    );
  }
}

/** EVALUATION_COMPLETED → MODEL_PROMOTED when the Elo delta reaches the threshold, else PROMOTION_REJECTED. */
export class AutoPromotionDaemon extends HandlerBase {
  constructor(private readonly minEloDelta: number) {
    super('AutoPromotionDaemon');
  }

  getSubscriptions(): SubscriptionMap {
    return { 'evaluation.completed': this.onEvaluationCompleted }; // the topic
  }

  private async onEvaluationCompleted(event: Event<'EVALUATION_COMPLETED'>): Promise<void> {
    const { config_key, model_path, elo, elo_delta = 0 } = event.data;
    if (elo_delta >= this.minEloDelta) {
      await emitModelPromoted(
        { config_key, model_path, previous_elo: elo - elo_delta, new_elo: elo, elo_delta, promotion_reason: 'gauntlet_passed' },
        { source: this.name },
      );
    } else {
      await emitPromotionRejected({ model_id: model_path, reason: `elo_delta ${elo_delta} < ${this.minEloDelta}`, elo }, { source: this.name });
    }
  }
}

/** REGRESSION_CRITICAL → TRAINING_ROLLBACK_NEEDED when the Elo drop calls for a rollback. */
export class RegressionResponder extends HandlerBase {
  constructor(private readonly rollbackEloDrop: number) {
    super('RegressionResponder');
  }

  getSubscriptions(): SubscriptionMap {
    return { REGRESSION_CRITICAL: this.onRegressionCritical };
  }

  private async onRegressionCritical(event: Event<'REGRESSION_CRITICAL'>): Promise<void> {
    const { config_key, elo_drop = 0 } = event.data;
    if (elo_drop < this.rollbackEloDrop) return;
    await emitTrainingRollbackNeeded(
      { model_path: `models/canonical_${config_key}.pth`, reason: `elo dropped by ${elo_drop}`, severity: 'critical' },
      { source: this.name },
    );
  }
}

/**
 * HOST_OFFLINE / HOST_ONLINE → P2P_CLUSTER_UNHEALTHY when a majority of the
 * known nodes is offline, P2P_CLUSTER_HEALTHY when a quorum is back.
 */
export class ClusterHealthMonitor extends HandlerBase {
  private readonly offline = new Set<string>();
  private unhealthy = false;

  constructor(private readonly nodes: readonly string[]) {
    super('ClusterHealthMonitor');
  }

  getSubscriptions(): SubscriptionMap {
    return { host_offline: this.onHostOffline, [DataEventType.HOST_ONLINE]: this.onHostOnline };
  }

  private async onHostOffline(event: Event<'HOST_OFFLINE'>): Promise<void> {
    if (event.data.node_id === undefined) return; // optional in the catalog: nothing to count
    this.offline.add(event.data.node_id);
    await this.evaluate();
  }

  private async onHostOnline(event: Event<'HOST_ONLINE'>): Promise<void> {
    if (event.data.node_id === undefined) return;
    this.offline.delete(event.data.node_id);
    await this.evaluate();
  }

  private async evaluate(): Promise<void> {
    const alive = this.nodes.length - this.offline.size;
    const quorum = Math.floor(this.nodes.length / 2) + 1;
    if (!this.unhealthy && alive < quorum) {
      this.unhealthy = true;
      await emitP2pClusterUnhealthy({ alive_peers: alive, total_peers: this.nodes.length, reason: 'majority offline' }, { source: this.name });
    } else if (this.unhealthy && alive >= quorum) {
      this.unhealthy = false;
      await emitP2pClusterHealthy({ alive_peers: alive, total_peers: this.nodes.length, quorum: true }, { source: this.name });
    }
  }
}
