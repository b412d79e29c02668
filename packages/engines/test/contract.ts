/**
 * Shared engine contract (STYLE.md practice 4; spec §0.6): every streaming engine registers it with a factory,
 * a step function and an input arbitrary, and gets property tests for determinism (two fresh engines fed the
 * same inputs give the same outputs), reset (a reset engine behaves like a fresh one) and causality (outputs
 * for a prefix do not depend on what follows).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** How the contract drives one engine. */
export interface EngineContract<E, I> {
  /** Name used in the test titles. */
  readonly name: string;
  /** A fresh engine. */
  create(): E;
  /** Feed one input and return a snapshot of the output (copy it if the engine reuses its result object). */
  step(engine: E, input: I): unknown;
  /** Reset the engine to its initial state. */
  reset(engine: E): void;
  /** Arbitrary of valid input sequences (in the engine's required order). */
  readonly inputs: fc.Arbitrary<readonly I[]>;
  /** fast-check runs per property (default 200). */
  readonly numRuns?: number;
}

function run<E, I>(contract: EngineContract<E, I>, engine: E, inputs: readonly I[]): unknown[] {
  return inputs.map((input) => contract.step(engine, input));
}

/** Register the shared contract tests for one engine. */
export function registerEngineContract<E, I>(contract: EngineContract<E, I>): void {
  const numRuns = contract.numRuns ?? 200;
  describe(`${contract.name} engine contract`, () => {
    it('is deterministic: same inputs, same outputs', () => {
      fc.assert(
        fc.property(contract.inputs, (inputs) => {
          expect(run(contract, contract.create(), inputs)).toStrictEqual(run(contract, contract.create(), inputs));
        }),
        { numRuns },
      );
    });

    it('reset makes the engine behave like a fresh one', () => {
      fc.assert(
        fc.property(contract.inputs, contract.inputs, (warmup, inputs) => {
          const used = contract.create();
          run(contract, used, warmup);
          contract.reset(used);
          expect(run(contract, used, inputs)).toStrictEqual(run(contract, contract.create(), inputs));
        }),
        { numRuns },
      );
    });

    it('is causal: outputs for a prefix do not depend on later inputs', () => {
      fc.assert(
        fc.property(contract.inputs, fc.nat(), (inputs, cut) => {
          const k = inputs.length === 0 ? 0 : cut % (inputs.length + 1);
          const full = run(contract, contract.create(), inputs);
          expect(run(contract, contract.create(), inputs.slice(0, k))).toStrictEqual(full.slice(0, k));
        }),
        { numRuns },
      );
    });
  });
}
