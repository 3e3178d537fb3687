import type { Node } from 'web-tree-sitter';
import { ALL_SENDS, DBUS_EVIDENCE, RAW_SOCKET, REPLY_SERIAL_WORDS, RUSTBUS, uses } from '../libraries/index';
import { callHints } from '../callHints';
import { callArguments, callee, descendantsOfType, isFunctionBoundary, lineOf, parentOf } from '../syntax';
import { bindingOf, reachingValue, strip, usesOf } from '../values';
import { nodeRange, related, type Rule, type RuleContext, type RuleReport } from './rule';

/** Names of the "method return" message type across hand-written clients and libraries' message types. */
const METHOD_RETURN =
  /(?:^|::|\.)(?:MethodReturn|METHOD_RETURN|MethodReply|METHOD_REPLY|MESSAGE_TYPE_METHOD_RETURN|DBUS_MESSAGE_TYPE_METHOD_RETURN)$/;
/** rustbus calls it `MessageType::Reply`. */
const RUSTBUS_REPLY = /(?:^|::)MessageType::Reply$/;
/** Hand-written enums: `MsgType::Return`, `MessageKind::Reply`, `Type::MethodReturn` (any `…Type`/`…Kind` enum). */
const ENUM_RETURN = /(?:^|::)\w*(?:Type|Kind)::(?:Return|Reply)$/;
/** `mtype == 2`, `msg.type === 2`: the numeric METHOD_RETURN code compared with a type field. */
const TYPE_FIELD = /(?:^|\.|_)(?:m?type|typ|msg_?type|message_?type|messageType|kind)(?:\(\))?$/i;

/** Calls through a library that matches replies to calls itself. */
const LIBRARY_MATCHED = {
  rust: /\bcall_method\b|\bwait_response\b|\bsend_msg_w_rsp\b|\.method_call\s*\(|\bsend_with_reply_and_block\b/,
  js: /\.call\s*\(|\.invoke\s*\(/,
};
/** Iterator and array methods whose predicate picks the message that is kept (not `some`/`any`: those only test). */
const PICKERS =
  /^(?:find|filter|position|take_while|skip_while|find_map|filter_map|retain|partition|findIndex|findLast)$/;
/** What a branch does when it accepts the message it tested: hands it on, returns, stops looking. */
const ACCEPTS = /\b(?:return|break|resolve|push|insert|set|send|Some|Ok)\b/;

/**
 * True when the comparison decides which message is kept: a find/filter predicate, a `while` condition,
 * or an `if`/ternary condition whose branch takes the message (not one that only classifies it:
 * `type === 'method_return' ? 'reply' : 'error'`). `tested` is the side holding the message's type.
 * A test stored in a local (`let is_final = m.mtype == MethodReturn || …`) decides where the local is read.
 */
function picksMessage(check: Node, tested: Node, depth = 0): boolean {
  const stored = bindingOf(check);
  if (stored) return depth < 3 && usesOf(stored).some((use) => picksMessage(use, tested, depth + 1));
  let child = check;
  for (let current = parentOf(check); current; child = current, current = parentOf(current)) {
    if (
      [
        'if_expression',
        'if_statement',
        'ternary_expression',
        'conditional_expression',
        'while_expression',
        'while_statement',
      ].includes(current.type)
    ) {
      const condition = current.childForFieldName('condition');
      if (!condition || condition.startIndex > child.startIndex || child.endIndex > condition.endIndex) return false;
      if (current.type.startsWith('while')) return true;
      const branch = current.childForFieldName('consequence');
      if (!branch) return false;
      const root = /^[A-Za-z_$][\w$]*/.exec(tested.text)?.[0];
      return (
        ACCEPTS.test(branch.text) ||
        (!!root &&
          descendantsOfType(branch, ['identifier', 'shorthand_property_identifier']).some((id) => id.text === root))
      );
    }
    if (isFunctionBoundary(current)) {
      const call = parentOf(parentOf(current));
      const name = call?.type === 'call_expression' ? callee(call)?.name : undefined;
      return !!name && PICKERS.test(name);
    }
  }
  return false;
}

const EXPLANATION =
  "a reply to another call (an earlier one that timed out, or one made concurrently) or an error for another call would be taken as this call's reply; compare the message's REPLY_SERIAL header field with the serial of the call that was sent";

function isMethodReturn(source: string, rustbus: boolean): boolean {
  const text = source.replace(/\s+/g, '');
  return (
    METHOD_RETURN.test(text) ||
    (rustbus && RUSTBUS_REPLY.test(text)) ||
    (!rustbus && ENUM_RETURN.test(text) && !RUSTBUS_REPLY.test(text)) ||
    /^['"]method_return['"]$/.test(text)
  );
}

/** The type check behind a candidate and the part of it naming the type (tight range). */
interface TypeCheck {
  check: Node;
  at: Node;
}

function comparisons(ctx: RuleContext, rustbus: boolean): TypeCheck[] {
  const out: TypeCheck[] = [];
  for (const binary of ctx.nodes('binary')) {
    const operator = binary.childForFieldName('operator')?.text ?? binary.child(1)?.text ?? '';
    if (!['==', '===', '!=', '!=='].includes(operator)) continue;
    const left = binary.childForFieldName('left');
    const right = binary.childForFieldName('right');
    if (!left || !right) continue;
    for (const [side, other] of [
      [left, right],
      [right, left],
    ] as const) {
      if (
        isMethodReturn(side.text, rustbus) ||
        (/^2$/.test(side.text) && TYPE_FIELD.test(other.text.replace(/\s+/g, '')))
      ) {
        if (picksMessage(binary, other)) out.push({ check: binary, at: side });
        break;
      }
    }
  }
  for (const macro of ctx.nodes('macro')) {
    const name = macro.childForFieldName('macro')?.text;
    if (name !== 'matches' && name !== 'assert_eq') continue;
    const words = macro.text.replace(/\s+/g, '');
    if (
      /(?:MethodReturn|METHOD_RETURN|MESSAGE_TYPE_METHOD_RETURN)\b/.test(words) ||
      (rustbus && /MessageType::Reply\b/.test(words))
    ) {
      if (name === 'matches' && picksMessage(macro, macro.childForFieldName('macro') ?? macro))
        out.push({ check: macro, at: macro });
    }
  }
  // `match msg.message_type() { MessageType::MethodReturn => accept(msg), … }`
  for (const arm of ctx.nodes('arm')) {
    const pattern = arm.childForFieldName('pattern');
    const value = arm.childForFieldName('value');
    const scrutinee = parentOf(parentOf(arm))?.childForFieldName('value');
    if (!pattern || !value || !scrutinee || !/typ|kind/i.test(scrutinee.text)) continue;
    // `2 => return Ok(msg)` on the message's type field counts as naming METHOD_RETURN.
    const numeric =
      TYPE_FIELD.test(scrutinee.text.replace(/\s+/g, '')) &&
      pattern.text.split('|').some((alt) => /^2(?:u8)?$/.test(alt.trim()));
    if (!numeric && !pattern.text.split('|').some((alt) => isMethodReturn(alt, rustbus))) continue;
    if (/^(?:\{\s*\}|\(\)|continue|\{\s*continue;?\s*\}|None|\{\s*None\s*\})$/.test(value.text.trim())) continue;
    if (translatesKind(pattern, value)) continue;
    // `MessageType::MethodReturn => Item::Return(m)`: translating the type, not accepting a reply (`Ok(m)` accepts).
    const constructor = value.type === 'call_expression' ? value.childForFieldName('function') : undefined;
    if (
      constructor?.type === 'scoped_identifier' ||
      (constructor?.type === 'identifier' && !/^(?:Ok|Some)$/.test(constructor.text))
    )
      continue;
    out.push({ check: arm, at: pattern });
  }
  // `switch (msg.type) { case MessageType.METHOD_RETURN: … }`
  for (const switchCase of ctx.nodes('case')) {
    const value = switchCase.childForFieldName('value');
    if (value && isMethodReturn(value.text, false)) out.push({ check: switchCase, at: value });
  }
  return out;
}

/**
 * True when the test that picks the message also compares something with a value the function got back from a
 * call made before it (`m.kind == Return && m.answers == Some(serial)` where `let serial = self.write_call(…)`):
 * the serial the call went out with, whatever the field is named.
 */
function alsoMatchesSentValue(check: Node): boolean {
  let top = check;
  for (let parent = parentOf(top); parent; top = parent, parent = parentOf(parent)) {
    if (parent.type === 'parenthesized_expression') continue;
    if (parent.type !== 'binary_expression' || !/^(?:&&|and)$/.test(parent.childForFieldName('operator')?.text ?? ''))
      break;
  }
  return descendantsOfType(top, 'binary_expression').some((binary) => {
    if (binary.id === check.id || !/^(?:==|===)$/.test(binary.childForFieldName('operator')?.text ?? '')) return false;
    return [binary.childForFieldName('left'), binary.childForFieldName('right')].some((side) => {
      const inner =
        side?.type === 'call_expression' && side.childForFieldName('function')?.text === 'Some'
          ? callArguments(side)[0]
          : side;
      if (inner?.type !== 'identifier') return false;
      const value = reachingValue(inner.text, inner);
      return typeof value === 'object' && strip(value).type === 'call_expression' && value.endIndex < check.startIndex;
    });
  });
}

/**
 * An arm that translates the message's kind rather than accepting it: to its wire byte or name
 * (`MethodReturn => 2`, `=> "method return"`), or re-wrapped as the same kind of another enum for whoever
 * consumes it (`MethodReturn => queue.push_back(Item::MethodReturn(m))`, a libdbus filter feeding an iterator).
 */
function translatesKind(pattern: Node, value: Node): boolean {
  if (['integer_literal', 'string_literal', 'char_literal', 'number', 'string'].includes(value.type)) return true;
  const variants = pattern.text
    .split('|')
    .map((alt) => /(\w+)\s*$/.exec(alt.trim())?.[1])
    .filter((v): v is string => !!v);
  return descendantsOfType(value, 'call_expression').some((call) => {
    const fn = call.childForFieldName('function');
    return fn?.type === 'scoped_identifier' && variants.includes(fn.childForFieldName('name')?.text ?? '');
  });
}

function nearestSend(scope: Node, before: Node, ctx: RuleContext): Node | undefined {
  let found: Node | undefined;
  for (const call of ctx.nodesWithin('call', scope)) {
    if (call.endIndex > before.startIndex) break;
    const name = ctx.callee(call)?.name;
    if (name && ALL_SENDS.has(name)) found = call;
  }
  return found;
}

/** Where a message's type is tested: METHOD_RETURN's names, `…Type::Return`, `type == 2`, `match msg.msg_type {`. */
const TYPE_WORDS =
  /MethodReturn|METHOD_RETURN|MethodReply|METHOD_REPLY|method_return|(?:Type|Kind)::(?:Reply|Return)\b|(?:type|typ)\s*===?\s*2\b|\bmatch\s+[\w.]*(?:type|typ|kind)(?:\(\))?\s*\{/g;

export const replySerialUnchecked: Rule<'reply-serial-unchecked'> = {
  id: 'reply-serial-unchecked',
  title: 'Reply accepted without matching its REPLY_SERIAL',
  summary:
    'A method return or error is accepted without comparing its REPLY_SERIAL header to the serial of the call that was sent.',
  description:
    'A method return (or error) is accepted because of its message type alone — "the first `MethodReturn` wins" — without comparing its `REPLY_SERIAL` header field to the serial of the call that was sent.',
  defaultSeverity: 'warning',
  quickFixes: [],
  fixAll: false,
  proof: { naiveVerdict: true, faults: ['stale-reply'] },
  languages: ['rust', 'typescript', 'tsx', 'javascript'],
  mayApply: (file) => file.has(DBUS_EVIDENCE) && file.has(TYPE_WORDS),
  anchors: () => TYPE_WORDS,
  check(ctx) {
    const rustbus = uses(RUSTBUS, ctx);
    const reports: RuleReport[] = [];
    const flaggedScopes = new Set<number>();
    for (const { check, at } of comparisons(ctx, rustbus)) {
      const scope = ctx.scopeOf(check);
      if (
        REPLY_SERIAL_WORDS.test(scope.text) ||
        LIBRARY_MATCHED[ctx.language === 'rust' ? 'rust' : 'js'].test(scope.text)
      )
        continue;
      // One finding per function: the first type check is where the wrong reply gets picked.
      if (flaggedScopes.has(scope.id) || alsoMatchesSentValue(check)) continue;
      flaggedScopes.add(scope.id);
      const send = nearestSend(scope, check, ctx);
      const shown = check.text.split('\n')[0]?.trim() ?? '';
      reports.push({
        range: nodeRange(at),
        message: `the reply is picked by its message type alone (\`${shown}\`, line ${lineOf(check)})${send ? ` after \`${callee(send)?.name ?? 'send'}\` (line ${lineOf(send)})` : ''}, with no comparison of its REPLY_SERIAL; ${EXPLANATION}`,
        related: send
          ? [related(send, "the call was sent here; its serial is never compared with the reply's REPLY_SERIAL")]
          : [],
        data: {
          library: ctx.language === 'rust' ? (rustbus ? RUSTBUS.id : RAW_SOCKET.id) : 'net-socket',
          ...callHints(scope, ctx),
        },
      });
    }
    return reports;
  },
};
