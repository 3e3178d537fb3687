// What a rule sees of one top-level item (its RuleContext), recording every look outside the item so the
// result knows its inputs (README.md).
import type { Node } from 'web-tree-sitter';
import { RecordingFacts } from './facts';
import { childAt, type TopLevelItem } from './items';
import type { PassState } from './passState';
import type { CaptureName, Rule, RuleContext } from './rules/rule';
import type { Callee } from './syntax';
import type { LanguageId, RuleId } from './types';

/** The RuleContext of one rule in one item; records (as RecordingFacts) what the check reads outside the item. */
export class ItemContext extends RecordingFacts implements RuleContext {
  readonly otherItems = new Set<number>();
  reusable = true;
  readonly language: LanguageId;
  private readonly flattened = new Map<CaptureName, Node[]>();

  constructor(
    private readonly pass: PassState,
    private readonly rule: Rule<RuleId>,
    private readonly item: TopLevelItem,
    readonly scopes: readonly Node[],
  ) {
    super(pass.facts, pass.record);
    this.language = pass.language;
  }

  nodes(name: CaptureName): readonly Node[] {
    let list = this.flattened.get(name);
    if (!list)
      this.flattened.set(name, (list = this.scopes.flatMap((scope) => this.pass.capturesOf(scope).get(name) ?? [])));
    return list;
  }

  callee(call: Node): Callee | undefined {
    return this.pass.calleeOf(call);
  }

  /** The item holding `node`; another item becomes an input, a node in no single item makes the result unreusable. */
  private itemOf(node: Node): TopLevelItem | undefined {
    if (node.startIndex >= this.item.start && node.endIndex <= this.item.end) return this.item;
    const other = this.pass.items.holding(node.startIndex, node.endIndex);
    if (other) this.otherItems.add(other.id);
    else this.reusable = false;
    return other;
  }

  scopeOf(node: Node): Node {
    const item = this.itemOf(node);
    if (!item) return this.pass.tree.rootNode;
    const scopes = item === this.item ? this.scopes : this.pass.scopesOf(this.rule, item);
    return scopeHolding(scopes, node) ?? childAt(item, node.startIndex);
  }

  nodesWithin(name: CaptureName, container: Node): readonly Node[] {
    const item = this.itemOf(container);
    if (item === this.item) return within(this.nodes(name), container);
    const scopes = item ? this.pass.scopesOf(this.rule, item) : [];
    return within(
      scopes.flatMap((scope) => this.pass.capturesOf(scope).get(name) ?? []),
      container,
    );
  }

  nodeAt(start: number, end?: number): Node | null {
    const node = this.pass.nodeAt(start, end ?? start);
    if (node) this.itemOf(node);
    return node;
  }
}

function scopeHolding(scopes: readonly Node[], node: Node): Node | undefined {
  let low = 0;
  let high = scopes.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const scope = scopes[mid];
    if (!scope) break;
    if (node.startIndex < scope.startIndex) high = mid - 1;
    else if (node.startIndex >= scope.endIndex) low = mid + 1;
    else return scope;
  }
  return undefined;
}

/** The nodes (sorted by start, as query captures come) that lie inside `container`. */
function within(sorted: readonly Node[], container: Node): Node[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid]?.startIndex ?? 0) < container.startIndex) low = mid + 1;
    else high = mid;
  }
  const out: Node[] = [];
  for (let i = low; i < sorted.length; i++) {
    const node = sorted[i];
    if (!node || node.startIndex >= container.endIndex) break;
    if (node.endIndex <= container.endIndex) out.push(node);
  }
  return out;
}
