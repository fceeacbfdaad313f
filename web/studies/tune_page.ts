import { html, LitElement, type PropertyValues } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { NotFoundError } from "../../core/errors.ts";
import type { Registry } from "../../core/registry.ts";
import { replay } from "../../core/tune/journal.ts";
import { journalSource } from "../../core/tune/study.ts";
import { IdbJournalStore } from "../idb_journal.ts";
import { shared } from "../styles.ts";
import type { TrainFiles } from "../worker/protocol.ts";
import { studyHeader } from "./new_study.ts";
import { studyHash } from "./route.ts";
import type { StudyRow } from "./study_list.ts";
import { heartbeatMs, studyStatus } from "./study_status.ts";
import type { TuneDraftChange } from "./tune_form.ts";
import { IdbTuneRecords, type TuneRecord } from "./tune_records.ts";
import { TuneRunner } from "./tune_runner.ts";
import "./study_list.ts";
import "./study_page.ts";
import "./tune_form.ts";

/** How often a shown study that another tab (or a lost worker) holds is read again, so its state follows. */
const POLL_MS = 5000;

/**
 * The Tune page (`#/tune`): describe a study (data, a model with a search space, horizon, trials, sampler, pruner,
 * objective) and start it; it runs in one long-lived worker of this tab, with live progress, until its budget or
 * Stop. Studies and their data files stay in IndexedDB: `#/tune/<name>` shows one, and after a reload Resume
 * continues it to its budget (a trial the reload cut short is judged failed once its heartbeat lapses, and its slot
 * is run again). The app keeps the page mounted once visited, so tuning goes on while other pages show.
 */
@customElement("mf-tune-page")
export class TunePage extends LitElement {
  static override styles = shared;

  @property({ attribute: false })
  accessor registry!: Registry;
  /** The IndexedDB database of runs; studies live in `<db>-studies`. */
  @property()
  accessor db = "";
  @property()
  accessor wasmPaths = "";
  /** The study shown (`#/tune/<name>`), or "" for the Tune page itself. */
  @property()
  accessor name = "";
  @state()
  accessor draft: TuneDraftChange = { problem: "Open the data first." };
  @state()
  accessor problem = "";
  @state()
  accessor rows: StudyRow[] = [];
  @state()
  accessor records: TuneRecord[] = [];
  private readonly runner = new TuneRunner(this, () => this.refresh());
  private journals?: IdbJournalStore;
  private tunes?: IdbTuneRecords;
  private poll?: ReturnType<typeof setInterval>;

  protected override firstUpdated() {
    void this.open();
  }

  override connectedCallback() {
    super.connectedCallback();
    this.poll = setInterval(() => {
      const row = this.rows.find((r) => r.name === this.name);
      if (!this.hidden && row && ["running", "interrupted"].includes(row.status?.state ?? "")) void this.refresh();
    }, POLL_MS);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.poll);
  }

  protected override updated(changed: PropertyValues<this>) {
    if (changed.has("name") && this.journals) void this.refresh();
  }

  override render() {
    return this.name ? this.studyPage(this.name) : this.mainPage();
  }

  private mainPage() {
    const { runner, draft } = this;
    return html`
      <section aria-labelledby="tune-h">
        <h2 id="tune-h">New study</h2>
        <mf-tune-form .registry=${this.registry} @draft=${(e: CustomEvent<TuneDraftChange>) => (this.draft = e.detail)}></mf-tune-form>
        <p class="row">
          <button class="primary" @click=${() => this.start()} ?disabled=${!draft.draft || Boolean(runner.active)}>Start</button>
          ${draft.problem ? html`<span class="muted">${draft.problem}</span>` : ""}
          ${runner.active ? html`<span class="muted">This tab tunes <a href=${studyHash(runner.active)}>${runner.active}</a>; stop it first.</span>` : ""}
        </p>
        ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : ""}
      </section>
      <section aria-labelledby="studies-h">
        <h2 id="studies-h">Studies in this browser</h2>
        <mf-study-list .rows=${this.rows} @remove=${(e: CustomEvent<string>) => this.deleteStudy(e.detail)}></mf-study-list>
      </section>
    `;
  }

  private studyPage(name: string) {
    const { runner } = this;
    const row = this.rows.find((r) => r.name === name);
    const here = runner.active === name;
    const note = here || !runner.active ? runner.note : "";
    return html`
      <p><a href="#/tune">All studies</a></p>
      ${row?.problem ? html`<p class="error" role="alert">${row.problem}</p>` : ""}
      <mf-study-page .study=${row?.study} .status=${row?.status} .record=${this.records.find((r) => r.name === name)} ?here=${here}
        ?busy=${Boolean(runner.active) && !here} ?stopping=${runner.stopping} .current=${here ? runner.current : undefined}
        note=${row || !this.journals ? note : `No study named "${name}" is stored in this browser.`}
        @resume=${() => this.resume(name)} @stop=${() => runner.stop()} @files=${(e: CustomEvent<TrainFiles>) => this.repick(name, e.detail)}></mf-study-page>
    `;
  }

  private async open() {
    try {
      [this.journals, this.tunes] = await Promise.all([IdbJournalStore.open(this.db), IdbTuneRecords.open(this.db)]);
      await this.refresh();
    } catch (error) {
      this.problem = `Cannot open the studies store (IndexedDB): ${(error as Error).message}`;
    }
  }

  /** Reads every stored study again, each replayed with its heartbeat timeout so lost trials show as such. */
  private async refresh() {
    const { journals, tunes } = this;
    if (!journals || !tunes) return;
    const [names, records] = await Promise.all([journals.list(), tunes.list()]);
    const now = Date.now();
    this.records = records;
    this.rows = await Promise.all(names.map(async (name): Promise<StudyRow> => {
      try {
        const text = (await journals.read(name))!;
        const plain = replay(text, journalSource(name));
        const study = replay(text, journalSource(name), { now, heartbeatMs: heartbeatMs(plain) });
        const status = studyStatus(study, records.find((r) => r.name === name)?.budget, this.runner.active === name);
        return { name, study, status };
      } catch (error) {
        return { name, problem: (error as Error).message };
      }
    }));
  }

  /** Makes the study (a bad setting stops here, nothing stored), keeps its files and budget, shows it, and tunes it. */
  private async start() {
    const { draft, journals, tunes } = this;
    if (!draft.draft || !journals || !tunes) return;
    this.problem = "";
    const { choice, files } = draft.draft;
    try {
      const header = studyHeader(choice, this.registry, new Date().toISOString());
      await journals.transact(header.name, (text) => {
        if (text !== undefined) throw new Error(`Study "${header.name}" exists already: open it below to resume it, or choose another name`);
        return { ops: [header], result: undefined };
      });
      await tunes.save({ name: header.name, files, budget: choice.budget, saved_at: new Date().toISOString() });
    } catch (error) {
      this.problem = (error as Error).message;
      return;
    }
    location.hash = studyHash(choice.name);
    await this.runner.start(choice.name, choice.budget, this.db, this.wasmPaths);
  }

  private async resume(name: string) {
    const record = this.records.find((r) => r.name === name);
    if (record) await this.runner.start(name, record.budget, this.db, this.wasmPaths);
  }

  private async repick(name: string, files: TrainFiles) {
    const record = await this.tunes!.get(name).catch((error) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    if (record) await this.tunes!.save({ ...record, files, saved_at: new Date().toISOString() });
    await this.refresh();
  }

  private async deleteStudy(name: string) {
    if (!confirm(`Delete study ${name}? Its journal and stored data files go; its runs stay in the Runs table.`)) return;
    await this.journals?.remove(name);
    await this.tunes?.remove(name);
    await this.refresh();
  }
}
