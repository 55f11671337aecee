/** Loads event files for `warden simulate`: one event, an array, or a CloudTrail log file (`{"Records": […]}`). */
import { readFile } from 'node:fs/promises';
import { isBareCloudTrailRecord, wrapCloudTrailRecord } from '../functions/shared/event/cloudtrail-event';

export type LoadedEvents =
  | { readonly file: string; readonly events: readonly unknown[]; readonly error: null }
  | { readonly file: string; readonly events: readonly []; readonly error: string };

/** Bare CloudTrail records are wrapped in the EventBridge envelope the bot receives. */
function asEnvelope(value: unknown): unknown {
  return isBareCloudTrailRecord(value) ? wrapCloudTrailRecord(value) : value;
}

export async function loadEventFile(file: string): Promise<LoadedEvents> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e: unknown) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    return { file, events: [], error: `cannot read ${file} (${code})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e: unknown) {
    return { file, events: [], error: `${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (Array.isArray(data)) return { file, events: data.map(asEnvelope), error: null };
  if (typeof data === 'object' && data !== null && 'Records' in data && Array.isArray(data.Records)) {
    return { file, events: (data.Records as unknown[]).map(asEnvelope), error: null };
  }
  return { file, events: [asEnvelope(data)], error: null };
}
