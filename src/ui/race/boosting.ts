/**
 * <dl-boosting>: AdaBoost on the Race tab, boosting the Train tab's experiment round by round (its
 * model is the weak learner). A table of the rounds (weighted error, say α, the member's and the
 * boosted vote's validation accuracy); for 2-D data the boosted decision boundary with every training
 * point drawn by its weight (the examples the next member will see most grow), and each round's
 * member boundary beside it, so the members can be seen specialising on what the others got wrong.
 */
import { css, html, LitElement, nothing } from "lit";
import { customElement } from "lit/decorators.js";
import "../results/boundary-plot";
import { resultStyles, scoreTableStyles } from "../results/base-styles";
import { StoreController } from "../state/store-controller";
import { theme } from "../theme";
import { studyStyles } from "./study-styles";

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : "–");

@customElement("dl-boosting")
export class BoostingCard extends LitElement {
  static override styles = [
    theme,
    resultStyles,
    scoreTableStyles,
    studyStyles,
    css`
      .columns {
        grid-template-columns: minmax(260px, 1fr) minmax(280px, 1.2fr);
      }
      .rounds {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
        gap: 10px;
        margin-top: 14px;
      }
      figcaption {
        text-align: center;
        color: var(--muted);
        font-size: 12px;
        margin-top: 2px;
      }
      .stop {
        color: var(--warn);
      }
      code {
        font-size: 12px;
      }
    `,
  ];

  private readonly store = new StoreController(this);

  override render() {
    const store = this.store.store;
    if (!store) return nothing;
    const b = store.boosting.state;
    const preview = store.train.state.preview;
    const points = preview?.kind === "points" ? preview : null;
    const last = b.results.at(-1);
    const latest = b.boundaries.at(-1);
    return html`<div data-testid="boosting" data-running=${b.running} data-done=${b.done} data-rounds=${b.results.length}>
      <p>
        AdaBoost (SAMME) with the Train tab's model as the weak learner: a small one works best (one hidden layer of 2 to 4 units). Every
        training example starts with the same weight; each round trains a member on a sample drawn by the weights, measures its weighted error
        <code>err</code>, gives it a say <code>α = log((1 − err) / err) + log(K − 1)</code> and multiplies the weight of every example it got
        wrong by <code>e<sup>α</sup></code>, so the next member sees more of them. The boosted answer is the class with the most say.
      </p>
      <div class="settings">
        <label>Rounds
          <input type="number" min="1" max="20" data-testid="boost-rounds" .value=${String(b.rounds)} ?disabled=${b.running}
            @change=${(e: Event) => {
              const v = Number((e.target as HTMLInputElement).value);
              if (Number.isInteger(v) && v >= 1 && v <= 20) store.boosting.setRounds(v);
              else this.requestUpdate();
            }} />
        </label>
        <button class=${b.running ? "" : "primary"} data-testid="boost-start" @click=${() => (b.running ? store.boosting.stop() : store.boosting.start())}>
          ${b.running ? "Stop" : b.results.length ? "Boost again" : "Boost the Train tab's model"}
        </button>
        ${b.running ? html`<span aria-live="polite">round ${b.results.length + 1} of ${b.rounds}…</span>` : nothing}
        ${!b.running && b.seconds !== null ? html`<span>${b.results.length} rounds in ${b.seconds.toFixed(1)} s</span>` : nothing}
      </div>
      ${b.error ? html`<p class="error" role="alert" data-testid="boost-error">${b.error}</p>` : nothing}
      ${last?.stop ? html`<p class="stop" data-testid="boost-stop">${last.stop}</p>` : nothing}
      ${
        b.results.length
          ? html`<div class="columns">
              <div class="scroll" tabindex="0" role="region" aria-label="Boosting rounds">
                <table data-testid="boost-table" data-boosted=${last?.boostedAccuracy ?? ""} data-first=${b.results[0].memberAccuracy}>
                  <thead><tr><th scope="col">Round</th><th scope="col">Weighted error</th><th scope="col" title="α = log((1 − err) / err) + log(K − 1)">Say</th><th scope="col">Member val acc.</th><th scope="col">Boosted val acc.</th></tr></thead>
                  <tbody>
                    ${b.results.map(
                      (r) =>
                        html`<tr><th scope="row">${r.round}</th><td>${r.error.toFixed(3)}</td><td>${r.alpha.toFixed(3)}</td><td>${pct(r.memberAccuracy)}</td><td>${pct(r.boostedAccuracy)}</td></tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              ${
                latest && points
                  ? html`<figure><dl-boundary-plot .boundary=${latest.boosted} .data=${points} .pointWeights=${b.weights} ?show-test=${false}></dl-boundary-plot>
                      <figcaption>The boosted vote after ${b.boundaries.length} rounds; training points drawn by their weight for the next round</figcaption></figure>`
                  : nothing
              }
            </div>`
          : nothing
      }
      ${
        points && b.boundaries.length
          ? html`<div class="rounds" data-testid="boost-members">
              ${b.boundaries.map(
                (r, i) =>
                  html`<figure><dl-boundary-plot compact .boundary=${r.member} .data=${points} ?show-test=${false}></dl-boundary-plot><figcaption>member ${i + 1} · α ${b.results[i]?.alpha.toFixed(2)}</figcaption></figure>`,
              )}
            </div>`
          : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "dl-boosting": BoostingCard;
  }
}
