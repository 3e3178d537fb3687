// From a finding's call data to a call that can be sent: one routine for the editor and the CLI, with the
// asking passed in (input boxes and modals in VS Code; flags, a terminal prompt or a usage error in the CLI).
// Nothing reaches the bus before the user agreed: introspecting the destination to learn a signature is
// itself a call (and can start the service), so it has its own consent step.
import type { CallData } from '../../core/src/index';
import { parseCallArguments } from '../../wire/src/index';
import { completeTypes, signatureFromLiterals } from './args';
import { missingParts, replayable, type BusChoice, type NamePart, type ReplayCall } from './call';
import type { ReplayBackend } from './engine';

/** Where the call goes, before its signature and arguments are known. */
export type CallTarget = Omit<ReplayCall, 'signature' | 'args'>;

export interface CallPrompts {
  /** A part the code does not say; undefined cancels. */
  part(part: NamePart, known: CallData): Promise<string | undefined>;
  /** Whether the destination may be introspected (one Introspect call) to learn the method's signature. */
  introspect(target: CallTarget): Promise<boolean>;
  /**
   * The signature, when neither the code nor introspection gave it; undefined cancels. `guess` is read off
   * the code's literal arguments when that is unambiguous; `introspected` says whether introspection was tried.
   */
  signature(target: CallTarget, guess: string | undefined, introspected: boolean): Promise<string | undefined>;
  /** Whether `arguments` asks the user; then introspection is worth its call for the argument names alone. */
  asksForArguments: boolean;
  /** Arguments for the complete types the code does not give as literals; undefined cancels. */
  arguments(
    target: CallTarget,
    types: string[],
    names: string[],
    known: readonly unknown[] | undefined,
  ): Promise<unknown[] | undefined>;
  /** Something the user should know about how the call was completed. */
  note(text: string): void;
}

export interface CallCompletion {
  /** The finding's call data (any overrides the host takes, like CLI flags, already applied). */
  known: CallData;
  bus: BusChoice;
  backend: ReplayBackend;
  timeoutMs: number;
  prompts: CallPrompts;
  /** Arguments typed as text (the CLI's --arg), parsed by the signature; they take the place of the code's. */
  argumentWords?: string[];
}

/** The call to send (not yet confirmed), or undefined when the user cancelled. */
export async function completeCall(input: CallCompletion): Promise<ReplayCall | undefined> {
  const { prompts } = input;
  const fromCode = replayable({ ...input.known });
  if (fromCode.note) prompts.note(fromCode.note);
  const known = fromCode.known;
  for (const part of missingParts(known)) {
    if (part === 'args') continue;
    const value = await prompts.part(part, known);
    if (value === undefined) return undefined;
    known[part] = value.trim();
  }
  const target: CallTarget = {
    bus: input.bus,
    destination: known.destination!,
    path: known.path!,
    interface: known.interface ?? null,
    member: known.member!,
  };

  let signature = known.signature;
  let names: string[] = [];
  const askingForArguments =
    prompts.asksForArguments && known.args === undefined && !input.argumentWords?.length && signature !== '';
  let introspected = false;
  // Introspection gives the signature, and the argument names to ask with when the code has no literals.
  if ((signature === undefined || askingForArguments) && (await prompts.introspect(target))) {
    introspected = true;
    const described = await input.backend.describeMethod(
      target.bus,
      target.destination,
      target.path,
      target.interface ?? '',
      target.member,
      input.timeoutMs,
    );
    if (described) {
      if (signature === undefined)
        prompts.note(
          `introspected ${target.member}(${described.argNames.join(', ')}) → signature "${described.signature}"`,
        );
      signature ??= described.signature;
      if (described.signature === signature) names = described.argNames;
    }
  }
  if (signature === undefined) {
    const guess = input.argumentWords?.length ? undefined : signatureFromLiterals(known.args);
    signature = await prompts.signature(target, guess, introspected);
    if (signature === undefined) return undefined;
  }

  const types = completeTypes(signature);
  let args: unknown[] | undefined;
  if (input.argumentWords?.length) args = parseCallArguments(signature, input.argumentWords);
  else if (known.args && known.args.length === types.length) args = known.args;
  else if (types.length === 0) args = [];
  else args = await prompts.arguments(target, types, names, known.args);
  if (args === undefined) return undefined;
  return { ...target, signature, args };
}
