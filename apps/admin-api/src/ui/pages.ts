import escapeHtml from 'escape-html';
import type { RecordedEnvelope } from '@ledger/contracts';
import type { MeasureView } from '@ledger/views';
import type { ListedStream } from '@ledger/read-models';

const STYLE = `
  body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2933; }
  a { color: #245f9e; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { border-bottom: 1px solid #e4e7eb; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
  th { background: #f5f7fa; }
  tr.retracted td { text-decoration: line-through; color: #7b8794; }
  pre { background: #f5f7fa; padding: 0.75rem; overflow: auto; }
  form { margin: 0.5rem 0 1rem; }
  .picture { overflow-x: auto; border: 1px solid #e4e7eb; padding: 0.5rem; }`;

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>` +
    `<body><nav><a href="/ui">All streams</a> · <a href="/docs">API</a></nav>${body}</body></html>`
  );
}

function measureLink(id: string): string {
  return `<a href="/ui/measures/${encodeURIComponent(id)}">${escapeHtml(id)}</a>`;
}

/** The list of streams: one row each, linked to its page. */
export function streamsPage(streams: readonly ListedStream[], streamType: string | null): string {
  const rows = streams
    .map(
      (stream) =>
        `<tr data-stream-id="${escapeHtml(stream.streamId)}"><td>${measureLink(stream.streamId)}</td>` +
        `<td>${escapeHtml(stream.streamType)}</td><td>${escapeHtml(stream.title ?? '')}</td><td>${stream.version}</td></tr>`,
    )
    .join('');
  const heading = streamType === null ? 'Streams' : `Streams of type ${streamType}`;
  return page(
    heading,
    `<h1>${escapeHtml(heading)}</h1>` +
      `<table><thead><tr><th>id</th><th>type</th><th>title</th><th>version</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

function citationOf(event: RecordedEnvelope): string {
  const citation = event.citation;
  if (citation === null) return '';
  const text = escapeHtml(citation.reference ?? citation.title ?? citation.url ?? '');
  return citation.url !== undefined && /^https?:\/\//.test(citation.url)
    ? `<a href="${escapeHtml(citation.url)}" rel="noreferrer">${text}</a>`
    : text;
}

/** One stream: its state at (asOf, knownAt), its history as recorded, and the picture of it. */
export function measurePage(input: {
  readonly id: string;
  readonly view: MeasureView | null;
  readonly history: readonly RecordedEnvelope[];
  readonly retractedIds: ReadonlySet<string>;
  readonly svg: string;
  readonly asOf: string;
  readonly knownAt: string;
}): string {
  const { id, view, history } = input;
  const rows = history
    .map(
      (event) =>
        `<tr data-version="${event.streamVersion}"${input.retractedIds.has(event.id) ? ' class="retracted"' : ''}>` +
        `<td>${event.streamVersion}</td><td>${escapeHtml(event.type)}</td><td>${escapeHtml(event.recordedAt)}</td>` +
        `<td>${citationOf(event)}</td><td><code>${escapeHtml(JSON.stringify(event.data))}</code></td></tr>`,
    )
    .join('');
  const state =
    view === null
      ? `<p id="state">Not known at that time.</p>`
      : `<p id="state">Status <strong>${escapeHtml(view.status)}</strong>, version ${view.version}.</p>` +
        `<pre>${escapeHtml(JSON.stringify(view.state, null, 2))}</pre>`;
  return page(
    id,
    `<h1>${escapeHtml(id)}</h1>` +
      `<form method="get"><label>as of <input name="asOf" value="${escapeHtml(input.asOf)}"></label> ` +
      `<label>known at <input name="knownAt" value="${escapeHtml(input.knownAt)}"></label> <button>Show</button></form>` +
      state +
      `<h2>History</h2><div class="picture">${input.svg}</div>` +
      `<p><a href="/v1/measures/${encodeURIComponent(id)}/timeline.svg">The picture alone (SVG)</a></p>` +
      `<table><thead><tr><th>v</th><th>type</th><th>recorded at</th><th>citation</th><th>data</th></tr></thead>` +
      `<tbody>${rows}</tbody></table>`,
  );
}
