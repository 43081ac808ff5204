/**
 * Plain values (a stop's scope, evaluation results) as DAP variables:
 * objects and arrays get a reference the client expands; every value reads
 * as the expression language formats it (as Watch and the Debug Console
 * do). References live until the next stop, as DAP expects.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { formatValue } from './expr-display';

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] => typeof v === 'object' && v !== null;

/** Values behind variable references. */
export class ValueHandles {
  private values: (Record<string, unknown> | unknown[])[] = [];

  /** Forget every reference (the client asks again after a stop). */
  reset(): void {
    this.values = [];
  }

  /** A reference for a container (0 for a scalar). */
  ref(v: unknown): number {
    if (!isContainer(v)) return 0;
    this.values.push(v);
    return this.values.length;
  }

  /** The container behind a reference. */
  get(ref: number): Record<string, unknown> | unknown[] | undefined {
    return this.values[ref - 1];
  }

  /** One variable. */
  variable(name: string, v: unknown): DebugProtocol.Variable {
    const ref = this.ref(v);
    return { name, value: formatValue(v as never), variablesReference: ref, ...(ref > 0 && Array.isArray(v) && { indexedVariables: v.length }) };
  }

  /** The children of a reference, in the container's order. */
  children(ref: number): DebugProtocol.Variable[] {
    const v = this.get(ref);
    if (!v) return [];
    if (Array.isArray(v)) return v.map((x, i) => this.variable(String(i), x));
    return Object.entries(v).map(([k, x]) => this.variable(k, x));
  }
}
