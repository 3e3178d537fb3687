import type { Node } from 'web-tree-sitter';
import { DBUS_EVIDENCE, RAW_SOCKET, RUSTBUS, uses } from '../libraries/index';
import { callee, lineOf, outermostScope } from '../syntax';
import { nodeRange, related, type Rule, type RuleContext, type RuleReport } from './rule';

/** Names of the "method return" message type across hand-written clients and libraries' message types. */
const METHOD_RETURN = /(?:^|::|\.)(?:MethodReturn|METHOD_RETURN|MethodReply|METHOD_REPLY|MESSAGE_TYPE_METHOD_RETURN|DBUS_MESSAGE_TYPE_METHOD_RETURN)$/;
/** rustbus calls it `MessageType::Reply`. */
const RUSTBUS_REPLY = /(?:^|::)MessageType::Reply$/;
/** `mtype == 2`, `msg.type === 2`: the numeric METHOD_RETURN code compared with a type field. */
const TYPE_FIELD = /(?:^|\.|_)(?:m?type|typ|msg_?type|message_?type|messageType|kind)(?:\(\))?$/i;
/** Anything that shows the reply is matched to its call: the REPLY_SERIAL field or a table keyed by it. */
const SERIAL_CHECK = /reply_?serial|replySerial|response_?serial|responseSerial|ReplySerial|REPLY_SERIAL|in_reply_to|inReplyTo/i;
/** Sends whose serial the reply should be matched against (for the related location). */
const SENDS = /^(?:sendmsg|send|send_to|write_all|write|send_message|send_msg|write_message|call|invoke)$/;

const EXPLANATION =
  "a reply to another call (an earlier one that timed out, or one made concurrently) or an error for another call would be taken as this call's reply; compare the message's REPLY_SERIAL header field with the serial of the call that was sent";

function isMethodReturn(source: string, rustbus: boolean): boolean {
  const text = source.replace(/\s+/g, '');
  return METHOD_RETURN.test(text) || (rustbus && RUSTBUS_REPLY.test(text)) || /^['"]method_return['"]$/.test(text);
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
      if (isMethodReturn(side.text, rustbus) || (/^2$/.test(side.text) && TYPE_FIELD.test(other.text.replace(/\s+/g, '')))) {
        out.push({ check: binary, at: side });
        break;
      }
    }
  }
  for (const macro of ctx.nodes('macro')) {
    const name = macro.childForFieldName('macro')?.text;
    if (name !== 'matches' && name !== 'assert_eq') continue;
    const words = macro.text.replace(/\s+/g, '');
    if (/(?:MethodReturn|METHOD_RETURN|MESSAGE_TYPE_METHOD_RETURN)\b/.test(words) || (rustbus && /MessageType::Reply\b/.test(words))) {
      if (name === 'matches') out.push({ check: macro, at: macro });
    }
  }
  // `match msg.message_type() { MessageType::MethodReturn => accept(msg), … }`
  for (const arm of ctx.nodes('arm')) {
    const pattern = arm.childForFieldName('pattern');
    const value = arm.childForFieldName('value');
    const scrutinee = arm.parent?.parent?.childForFieldName('value');
    if (!pattern || !value || !scrutinee || !/typ|kind/i.test(scrutinee.text)) continue;
    if (!pattern.text.split('|').some((alt) => isMethodReturn(alt, rustbus))) continue;
    if (/^(?:\{\s*\}|\(\)|continue|\{\s*continue;?\s*\}|None|\{\s*None\s*\})$/.test(value.text.trim())) continue;
    // `MessageType::MethodReturn => Item::MethodReturn(m)`: translating the type, not accepting a reply.
    if (value.type === 'call_expression' && isMethodReturn(value.childForFieldName('function')?.text ?? '', rustbus)) continue;
    out.push({ check: arm, at: pattern });
  }
  // `switch (msg.type) { case MessageType.METHOD_RETURN: … }`
  for (const switchCase of ctx.nodes('case')) {
    const value = switchCase.childForFieldName('value');
    if (value && isMethodReturn(value.text, false)) out.push({ check: switchCase, at: value });
  }
  return out;
}

function nearestSend(scope: Node, before: Node, ctx: RuleContext): Node | undefined {
  let found: Node | undefined;
  for (const call of ctx.nodes('call')) {
    if (call.startIndex < scope.startIndex || call.endIndex > before.startIndex) continue;
    const name = callee(call)?.name;
    if (name && SENDS.test(name)) found = call;
  }
  return found;
}

export const replySerialUnchecked: Rule = {
  id: 'reply-serial-unchecked',
  languages: ['rust', 'typescript', 'tsx', 'javascript'],
  mayApply: (text) =>
    DBUS_EVIDENCE.test(text) &&
    /MethodReturn|METHOD_RETURN|MethodReply|METHOD_REPLY|method_return|MessageType::Reply|(?:type|typ)\s*===?\s*2\b/.test(text),
  anchors: () => /MethodReturn|METHOD_RETURN|MethodReply|METHOD_REPLY|method_return|MessageType::Reply\b|\b(?:type|typ)\s*===?\s*2\b/g,
  check(ctx) {
    const rustbus = uses(RUSTBUS, ctx.text);
    const reports: RuleReport[] = [];
    const flaggedScopes = new Set<number>();
    for (const { check, at } of comparisons(ctx, rustbus)) {
      const scope = outermostScope(check);
      if (SERIAL_CHECK.test(scope.text)) continue;
      // One finding per function: the first type check is where the wrong reply gets picked.
      if (flaggedScopes.has(scope.id)) continue;
      flaggedScopes.add(scope.id);
      const send = nearestSend(scope, check, ctx);
      const shown = check.text.split('\n')[0]?.trim() ?? '';
      reports.push({
        range: nodeRange(at),
        message: `the reply is picked by its message type alone (\`${shown}\`, line ${lineOf(check)})${send ? ` after \`${callee(send)?.name ?? 'send'}\` (line ${lineOf(send)})` : ''}, with no comparison of its REPLY_SERIAL; ${EXPLANATION}`,
        related: send ? [related(send, "the call was sent here; its serial is never compared with the reply's REPLY_SERIAL")] : [],
        data: { library: ctx.language === 'rust' ? (rustbus ? RUSTBUS.id : RAW_SOCKET.id) : 'net-socket' },
      });
    }
    return reports;
  },
};
