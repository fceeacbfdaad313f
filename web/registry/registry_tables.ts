import { html, type TemplateResult } from "lit";
import type { ModelSummary } from "../../core/model_registry/list.ts";
import { aliasesOf } from "../../core/model_registry/read.ts";
import type { ModelVersion, RegisteredModel } from "../../core/model_registry/records.ts";
import { num } from "../format.ts";
import { registryHash } from "./route.ts";

/**
 * The registry's read-only tables, shared by the app's Registry page and the static viewer: the models, one
 * model's versions (metrics, lineage, signature, aliases), its aliases and their history. Every string from a
 * record is rendered as text.
 */

/** Which runs and experiments the page can open: their ids link to their pages, others stay plain text. */
export interface RegistryLinks {
  runIds: ReadonlySet<string>;
  experimentNames: ReadonlySet<string>;
}

const runHash = (id: string) => `#/runs/${encodeURIComponent(id)}`;
const experimentHash = (name: string) => `#/experiments/${encodeURIComponent(name)}`;
const aliasText = (aliases: Record<string, number>) =>
  Object.entries(aliases).sort(([a], [b]) => a.localeCompare(b)).map(([alias, version]) => `${alias} → ${version}`).join(", ");

/** Every registered model: name (a link to its page), description, versions, aliases, last change. */
export function modelsTable(models: readonly ModelSummary[]): TemplateResult {
  return html`
    <table aria-label="Registered models">
      <thead>
        <tr>
          <th>model</th>
          <th>description</th>
          <th>versions</th>
          <th>aliases</th>
          <th>updated</th>
        </tr>
      </thead>
      <tbody>${models.map((m) =>
        html`
          <tr>
            <td><a href=${registryHash(m.name)}>${m.name}</a></td>
            <td>${m.description}</td>
            <td>${m.versions.join(", ") || "none"}</td>
            <td>${aliasText(m.aliases) || "none"}</td>
            <td>${m.updated_at}</td>
          </tr>
        `
      )}</tbody>
    </table>
  `;
}

/** A model's aliases and the version each points at. */
export function aliasesTable(model: RegisteredModel, actions?: (alias: string) => TemplateResult): TemplateResult {
  const entries = Object.entries(model.aliases).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return html`<p class="empty">No aliases: set one to give a version a name to predict by.</p>`;
  return html`
    <table aria-label="Aliases">
      <thead>
        <tr><th>alias</th><th class="num">version</th><th>reference</th>${actions ? html`<th></th>` : ""}</tr>
      </thead>
      <tbody>${entries.map(([alias, version]) =>
        html`<tr><td>${alias}</td><td class="num">${version}</td><td><code>${model.name}@${alias}</code></td>${
          actions ? html`<td>${actions(alias)}</td>` : ""
        }</tr>`
      )}</tbody>
    </table>
  `;
}

/** One row per version: aliases, when and from which run (linked when it is here), experiment cell, val and test scores, signature. */
export function versionsTable(model: RegisteredModel, versions: readonly ModelVersion[], links: RegistryLinks): TemplateResult {
  if (!versions.length) return html`<p class="empty">No versions.</p>`;
  const metric = (v: ModelVersion, split: "val" | "test", key: string, digits: number) => num(v.lineage.metrics[split]?.[key], digits);
  return html`
    <table aria-label="Versions">
      <thead>
        <tr>
          <th class="num">version</th>
          <th>aliases</th>
          <th>created</th>
          <th>source run</th>
          <th>model</th>
          <th>experiment</th>
          <th class="num">val macro-F1</th>
          <th class="num">val Sharpe</th>
          <th class="num">test macro-F1</th>
          <th class="num">test Sharpe</th>
          <th>signature</th>
        </tr>
      </thead>
      <tbody>${versions.map((v) => {
        const xp = v.lineage.experiment;
        return html`
          <tr data-version=${v.version}>
            <td class="num">${v.version}</td>
            <td>${aliasesOf(model, v.version).join(", ")}</td>
            <td>${v.created_at}</td>
            <td>${links.runIds.has(v.run_id) ? html`<a href=${runHash(v.run_id)}>${v.run_id}</a>` : v.run_id}</td>
            <td>${v.lineage.model}</td>
            <td>${xp
              ? html`${
                links.experimentNames.has(xp.name) ? html`<a href=${experimentHash(xp.name)}>${xp.name}</a>` : xp.name
              } · ${xp.label} <span class="muted">(${xp.cell_id})</span>`
              : "—"}</td>
            <td class="num">${metric(v, "val", "f1_macro", 3)}</td>
            <td class="num">${metric(v, "val", "sharpe", 2)}</td>
            <td class="num">${metric(v, "test", "f1_macro", 3)}</td>
            <td class="num">${metric(v, "test", "sharpe", 2)}</td>
            <td>H${v.signature.horizon} · window ${v.signature.window_length} · ${v.signature.features.length} features</td>
          </tr>
        `;
      })}</tbody>
    </table>
  `;
}

/** What a version was made from and expects, folded: signature (features in order), data, settings, toolkit. */
export function versionDetails(v: ModelVersion): TemplateResult {
  const l = v.lineage;
  const files = Object.entries(l.dataset.files).map(([split, f]) => `${split}: ${f.name} (${f.rows} rows)`).join(", ");
  return html`
    <details data-version=${v.version}>
      <summary>Version ${v.version}: ${l.model}, seed ${l.seed}, run ${v.run_id}</summary>
      <dl>
        <dt>Signature</dt>
        <dd>horizon ${v.signature.horizon}, window ${v.signature.window_length}, label ${v.signature.label_column}, classes ${v.signature.classes.join(
          ", ",
        )}</dd>
        <dt>Features in order</dt>
        <dd class="features">${v.signature.features.join(", ")}</dd>
        <dt>Data</dt>
        <dd>${files}; ${l.dataset.symbols.length} symbols</dd>
        <dt>Settings</dt>
        <dd><code>${JSON.stringify(l.config.params)}</code></dd>
        <dt>Made</dt>
        <dd>run created ${l.run_created_at} on ${l.backend}; registered ${v.created_at} by ${v.created_by}${v.prepare
          ? "; raw bars can be scored (prepare.json)"
          : ""}</dd>
        ${l.members?.length
          ? html`
            <dt>Ensemble members</dt>
            <dd>${l.members.join(", ")}</dd>
          `
          : ""}
        ${l.imported_from
          ? html`
            <dt>Imported from</dt>
            <dd>${l.imported_from.name}/${l.imported_from.version} at ${l.imported_from.at}</dd>
          `
          : ""}
        ${Object.keys(v.tags).length
          ? html`
            <dt>Tags</dt>
            <dd>${Object.entries(v.tags).map(([k, t]) => `${k}=${t}`).join(", ")}</dd>
          `
          : ""}
        <dt>Versions</dt>
        <dd>${Object.entries(l.versions).map(([k, t]) => `${k} ${t}`).join(", ")}</dd>
      </dl>
    </details>
  `;
}

/** Every alias move, newest first: alias, from, to (— for none), when, note. */
export function historyTable(model: RegisteredModel): TemplateResult {
  if (!model.history.length) return html`<p class="empty">No alias has been set yet.</p>`;
  const version = (n: number | null) => (n === null ? "—" : String(n));
  return html`
    <table aria-label="Alias history">
      <thead>
        <tr>
          <th>alias</th>
          <th class="num">from</th>
          <th class="num">to</th>
          <th>at</th>
          <th>note</th>
        </tr>
      </thead>
      <tbody>${[...model.history].reverse().map((m) =>
        html`
          <tr>
            <td>${m.alias}</td>
            <td class="num">${version(m.from)}</td>
            <td class="num">${version(m.to)}</td>
            <td>${m.at}</td>
            <td>${m.note}</td>
          </tr>
        `
      )}</tbody>
    </table>
  `;
}
