import { z } from 'zod';
import type { Report } from '../model/report.js';
import { API_METHOD_NAMES } from './methods.js';

/**
 * The one API the renderer talks to. In Electron the preload provides it over IPC; in the
 * browser mode (`strata serve`) a loopback HTTP backend provides it. Both validate every
 * request against these schemas before a service sees it.
 */
export const apiRequestSchemas = {
  /** What the app should show first (the study given on the command line, recent studies). */
  startup: z.object({}).strict(),
  /** Opens a study folder or manifest; returns its summary. */
  openStudy: z.object({ path: z.string().min(1).max(4096) }).strict(),
  /** Runs the full analysis; `overrides` carries user edits (dragged interfaces, ROI). */
  analyzeStudy: z
    .object({
      path: z.string().min(1).max(4096),
      overrides: z
        .object({
          interfacesS: z.record(z.string(), z.array(z.number().finite()).max(64)).optional(),
          roi: z.object({ x0: z.number().int().min(0), y0: z.number().int().min(0), x1: z.number().int().min(1), y1: z.number().int().min(1) }).strict().optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  /** A state's depth profile as plain arrays for plotting. */
  getProfile: z.object({ path: z.string().min(1).max(4096), state: z.string().min(1).max(200) }).strict(),
} as const;

export type ApiMethod = keyof typeof apiRequestSchemas;
export type ApiRequest<M extends ApiMethod> = z.infer<(typeof apiRequestSchemas)[M]>;

export interface StudyFileSummary {
  path: string;
  kind: string;
  format: string;
  /** Key metadata, as `strata info --json` gives it. */
  summary: Record<string, unknown> | null;
  error: string | null;
}

export interface StudySummary {
  path: string;
  name: string;
  origin: 'manifest' | 'guessed';
  notes: string[];
  stack: { id: string; name: string; layers: { role: string; label: string; material: string; markerIons: string[] }[] };
  states: { state: string; files: StudyFileSummary[] }[];
}

export interface ProfilePayload {
  state: string;
  file: string;
  timeS: number[];
  ions: { label: string; mz: number | null; counts: number[] }[];
}

export interface ApiResponses {
  startup: { studyPath: string | null; recent: string[]; version: string; mode: 'electron' | 'browser' };
  openStudy: StudySummary;
  analyzeStudy: Report;
  getProfile: ProfilePayload;
}

/** The typed API object (`window.strata` in Electron, an HTTP client in the browser). */
export type StrataApi = { [M in ApiMethod]: (request: ApiRequest<M>) => Promise<ApiResponses[M]> };

export const API_METHODS = Object.keys(apiRequestSchemas) as ApiMethod[];

// The preload's dependency-free list must name exactly these methods.
type SameMethods = ApiMethod extends (typeof API_METHOD_NAMES)[number] ? ((typeof API_METHOD_NAMES)[number] extends ApiMethod ? true : false) : false;
const methodsInStep: SameMethods = true;
void methodsInStep;

/** Validates an untrusted request; throws a one-line error naming the method and field. */
export function validateRequest<M extends ApiMethod>(method: string, body: unknown): { method: M; request: ApiRequest<M> } {
  if (!(API_METHODS as string[]).includes(method)) throw new Error(`unknown API method '${String(method).slice(0, 60)}'`);
  const parsed = apiRequestSchemas[method as M].safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${method}: ${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  return { method: method as M, request: parsed.data as ApiRequest<M> };
}
