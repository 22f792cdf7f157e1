/**
 * One generative experiment (GAN, autoencoder or VAE) in the playground's worker, DOM-free like
 * ExperimentSession (the tests drive it in Node). It builds the run the way the CLI does
 * (src/generative/experiment.ts) and turns the loop's events into the Generative tab's messages:
 * per-iteration numbers batched to ~20 messages a second, and a view (the 2-D plane, the samples
 * grid, or the reconstructions) every few iterations while training and on pause or step.
 *
 * GAN health: after each view while training, the last iterations and the samples' spread are
 * judged (health.ts); while healthy, a checkpoint of both networks' weights is kept, and `rollback`
 * puts it back. After a NaN loss the loop has already put back its last good weights; play
 * continues from them with a fresh loop over the same networks and optimizers (LoopSession).
 */
import type { Backend } from "../backend/backend";
import { AutoencoderTrainer } from "../generative/autoencoder-trainer";
import { disposeGenerative, type GenerativeModels } from "../generative/build";
import { exportGenerative } from "../generative/checkpoint";
import { type GenerativeConfig, type GenerativeData, makeGenerativeData, parseGenerativeConfig } from "../generative/config";
import { buildGenerativeModels, makeGenerativeTrainer } from "../generative/experiment";
import { type GanStepEvent, GanTrainer } from "../generative/gan-trainer";
import { divergedHealth, ganHealth, HEALTHY, type HealthReport, spread } from "../generative/health";
import type { Optimizer } from "../optim/optimizer";
import { disposeSnapshot, type StateSnapshot } from "../train/state-snapshot";
import type { StopEvent } from "../train/trainer";
import type { GenerativeEvent, ImageStrip } from "./generative-protocol";
import { decodedImage, firstExamples, PLANE_POINTS, planeExtent, planeView, reconstructionView, samplesView } from "./generative-views";
import { LoopSession } from "./loop-session";
import { errorMessage } from "./post";

/**
 * While training, a view is due every VIEW_EVERY iterations, or after any iteration once SLOW_VIEW_MS
 * have passed (a slow model, e.g. a DCGAN on a CPU-emulated GPU, still updates live); views are at
 * least VIEW_MS apart, and twice as long apart as the last one took, so they never take more than a
 * third of the device's time.
 */
export const VIEW_EVERY = 20;
const VIEW_MS = 400;
const SLOW_VIEW_MS = 3000;

type Loop = GanTrainer | AutoencoderTrainer;

export interface GenerativeSessionOptions {
  backend: Backend;
  post: (event: GenerativeEvent | { type: "error"; message: string }) => void;
}

export class GenerativeSession extends LoopSession<Loop> {
  private readonly names: string[];
  private columns: number[][] = [];
  private steps: number[] = [];
  private lastEpoch = 1;
  private lastView = { step: 0, time: 0 };
  /** How long the last view took. */
  private viewMs = 0;
  private views: Promise<void> = Promise.resolve();
  private viewQueued = false;
  private readonly recent: GanStepEvent[] = [];
  private health: HealthReport = HEALTHY;
  /** Both networks' weights at the last healthy view, and its step. */
  private checkpoint: StateSnapshot | null = null;
  /** 2-D data: half the plane's side, and the real points' spread (0 for images). */
  private readonly extent: number;
  private readonly realSpread: number;
  /** The largest ratio of generated to real spread seen (collapse means shrinking from it). */
  private peakSpread = 0;
  /** GAN: the fixed latents, read back once at load (the samples grid and its interpolation). */
  private fixedLatent: Float32Array | null = null;

  private constructor(
    readonly config: GenerativeConfig,
    private readonly data: GenerativeData,
    private readonly models: GenerativeModels,
    private readonly options: GenerativeSessionOptions,
  ) {
    super(options.backend);
    this.loop = this.attach(makeGenerativeTrainer(config, data, models));
    this.names = this.loop instanceof GanTrainer ? ["dLoss", "gLoss", "dRealAccuracy", "dFakeAccuracy"] : ["loss", "reconstruction", "kl"];
    const real = models.dataShape.length === 1 ? firstExamples(data.train, PLANE_POINTS) : null; // 2-D data only
    this.extent = real ? planeExtent(real.x) : 0;
    this.realSpread = real ? spread(real.x, real.size) : 0;
  }

  /** Validates `config` (untrusted JSON), builds the run, posts the model, the first view and the state. */
  static async load(config: unknown, options: GenerativeSessionOptions): Promise<GenerativeSession> {
    const parsed = parseGenerativeConfig(structuredClone(config));
    const data = await makeGenerativeData(parsed.data);
    const models = buildGenerativeModels(parsed, options.backend);
    let session: GenerativeSession;
    try {
      session = new GenerativeSession(parsed, data, models, options);
    } catch (e) {
      disposeGenerative(models);
      throw e;
    }
    try {
      const spec = parsed.generative;
      const networks = models.networks.map(({ spec: _, model: __, ...view }) => view);
      const { batchSize } = parsed.training;
      const n = data.train.n;
      const iterationsPerEpoch = spec.kind === "gan" ? Math.floor(Math.floor(n / batchSize) / (spec.dSteps ?? 1)) : Math.ceil(n / batchSize);
      options.post({ type: "gen-model", kind: spec.kind, networks, dataShape: models.dataShape, latent: spec.latent, iterationsPerEpoch });
      if (session.loop instanceof GanTrainer) session.fixedLatent = Float32Array.from(await session.loop.fixedLatent.data());
      await session.reportNow();
    } catch (e) {
      await session.dispose();
      throw e;
    }
    session.postState();
    return session;
  }

  /** Pauses and puts back both networks' weights and batch-norm statistics from the last healthy checkpoint. */
  async rollback(): Promise<void> {
    const checkpoint = this.checkpoint;
    if (!checkpoint) throw new Error("there is no checkpoint to roll back to yet: train until the first healthy view");
    if (this.running) await this.pause();
    this.loop.trainable.restore(checkpoint, { resetOptimizers: true });
    this.recent.length = 0;
    this.health = HEALTHY;
    this.options.post({ type: "gen-health", ...HEALTHY, step: this.loop.step, checkpointStep: checkpoint.step });
    await this.reportNow();
  }

  /** Posts the decoder's image for a point of the 2-D latent plane. */
  async decode(latent: [number, number]): Promise<void> {
    const loop = this.loop;
    if (loop instanceof GanTrainer || this.config.generative.latent !== 2 || this.config.generative.kind !== "autoencoder")
      throw new Error('decoding a point needs an autoencoder with a 2-D latent (the "Autoencoder, 2-D latent" preset)');
    if (latent.length !== 2 || !latent.every(Number.isFinite))
      throw new Error(`decode: the latent point must be two finite numbers, got ${JSON.stringify(latent)}`);
    const image: ImageStrip = await decodedImage(loop, this.models.dataShape, latent);
    this.options.post({ type: "gen-decoded", latent, image });
  }

  /** Posts both networks as safetensors files with a PyTorch script each, the loop held still while they are read. */
  async export(): Promise<void> {
    const loop = this.loop;
    loop.pause();
    try {
      const files = await exportGenerative(this.models);
      this.options.post({ type: "gen-exported", files: [...files].map(([name, contents]) => ({ name, contents })) });
    } finally {
      if (this.wantRunning) loop.resume();
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.stopLoop();
    await this.views;
    this.dropCheckpoint();
    if (this.loop instanceof GanTrainer) this.loop.dispose();
    for (const o of this.optimizers()) o.dispose();
    disposeGenerative(this.models);
  }

  private optimizers(): Optimizer[] {
    const o = this.loop.options;
    return "generatorOptimizer" in o ? [o.generatorOptimizer, o.discriminatorOptimizer] : [o.optimizer];
  }

  protected freshLoop(old: Loop): Loop {
    if (old instanceof GanTrainer) old.dispose(); // its fixed latents; the new loop draws the same ones
    return this.attach(old instanceof GanTrainer ? new GanTrainer({ ...old.options }) : new AutoencoderTrainer({ ...old.options }));
  }

  private attach<L extends Loop>(loop: L): L {
    loop.on("step", (e) => this.onStep(e as unknown as Record<string, number>));
    loop.on("epoch", (e) => {
      this.throttle.flush();
      const modes = "modes" in e && e.modes ? { covered: e.modes.covered, total: e.modes.modes, nearShare: e.modes.nearShare } : undefined;
      const test = "test" in e && e.test ? { mse: e.test.mse, baselineMse: e.test.baselineMse, elbo: e.test.elbo } : undefined;
      this.options.post({ type: "gen-epoch", epoch: e.epoch, step: e.step, seconds: e.seconds, modes, test });
    });
    return loop;
  }

  private onStep(e: Record<string, number>): void {
    this.steps.push(e.step);
    this.names.forEach((name, i) => {
      this.columns[i] ??= [];
      this.columns[i].push(e[name]);
    });
    this.lastEpoch = e.epoch;
    if (this.loop instanceof GanTrainer) {
      this.recent.push(e as unknown as GanStepEvent);
      if (this.recent.length > 100) this.recent.splice(0, this.recent.length - 100);
    }
    this.throttle.request();
    const now = performance.now();
    const steps = this.loop.step - this.lastView.step;
    const elapsed = now - this.lastView.time;
    const due = steps >= VIEW_EVERY || (steps >= 1 && elapsed >= SLOW_VIEW_MS);
    if (due && elapsed >= Math.max(VIEW_MS, 2 * this.viewMs)) {
      this.lastView = { step: this.loop.step, time: now };
      void this.scheduleView(true);
    }
  }

  protected onStop(loop: Loop, end: StopEvent, error?: unknown): void {
    if (loop !== this.loop || this.disposed) return;
    this.throttle.flush();
    this.finished = end;
    this.wantRunning = false;
    if (error !== undefined) this.options.post({ type: "error", message: end.message });
    if (end.reason === "diverged") {
      this.health = divergedHealth(end.message);
      this.options.post({ type: "gen-health", ...this.health, step: end.step, checkpointStep: this.checkpoint?.step ?? null });
    }
    void this.scheduleView(false).then(() => this.postState());
  }

  protected flushSteps(): void {
    if (!this.steps.length || this.disposed) return;
    const values = this.names.map((_, i) => Float32Array.from(this.columns[i] ?? []));
    this.options.post({
      type: "gen-steps",
      steps: Int32Array.from(this.steps),
      names: this.names,
      values,
      stepsPerSecond: this.rate.update(this.loop.step),
      epoch: this.lastEpoch,
    });
    this.steps = [];
    this.columns = [];
  }

  protected postState(): void {
    const done = this.finished !== null;
    this.options.post({ type: "gen-state", running: this.wantRunning && !done, done, ...(done ? { reason: this.finished?.message } : {}) });
  }

  /** Queues a view (at most one waiting) and resolves when the queue has run. */
  private scheduleView(judge: boolean): Promise<void> {
    if (this.viewQueued) return this.views;
    this.viewQueued = true;
    this.views = this.views
      .then(async () => {
        this.viewQueued = false;
        if (this.disposed) return;
        const started = performance.now();
        await this.view(judge);
        this.viewMs = performance.now() - started;
      })
      .catch((e: unknown) => {
        if (!this.disposed) this.options.post({ type: "error", message: errorMessage(e, this.options.backend) });
      });
    return this.views;
  }

  /** A view now (pause, step, load, rollback): shown, not judged, so it never moves the checkpoint. */
  protected reportNow(): Promise<void> {
    this.viewQueued = false; // a view asked for now runs after the queue, even if one is waiting
    return this.scheduleView(false);
  }

  /** Posts the view for the weights as they are, then (GAN) judges its health and keeps a checkpoint while healthy. */
  private async view(judge: boolean): Promise<void> {
    const loop = this.loop;
    const step = loop.step;
    const post = this.options.post;
    if (!(loop instanceof GanTrainer)) {
      const test = this.data.test ?? this.data.train;
      post({ type: "gen-reconstruction", ...(await reconstructionView(loop, test, step)) });
      return;
    }
    // The checkpoint candidate is copied in the same synchronous burst as the view's own reads, so
    // both see the weights of `step` (the loop records on while the view awaits).
    const candidate = judge ? loop.trainable.take(step) : null;
    let spreadRatio: { ratio: number; peak: number } | null = null;
    try {
      if (this.models.dataShape.length === 1) {
        const plane = await planeView(loop, this.data, this.extent, step);
        post({ type: "gen-plane", ...plane });
        const ratio = spread(plane.fake, plane.fake.length / 2) / this.realSpread;
        this.peakSpread = Math.max(this.peakSpread, ratio);
        spreadRatio = { ratio, peak: this.peakSpread };
      } else {
        const samples = await samplesView(loop, this.data, this.fixedLatent as Float32Array, step);
        post({ type: "gen-samples", ...samples }); // pixel spread says little about variety: the loss rules judge image GANs
      }
    } catch (e) {
      disposeSnapshot(candidate);
      throw e;
    }
    if (!candidate) return;
    this.health = this.finished?.reason === "diverged" ? this.health : ganHealth(this.recent, spreadRatio);
    if (this.health.status === "ok" && step > 0) {
      this.dropCheckpoint();
      this.checkpoint = candidate;
    } else disposeSnapshot(candidate);
    post({ type: "gen-health", ...this.health, step, checkpointStep: this.checkpoint?.step ?? null });
  }

  private dropCheckpoint(): void {
    disposeSnapshot(this.checkpoint);
    this.checkpoint = null;
  }
}
