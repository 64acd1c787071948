#!/usr/bin/env python3
"""Writes the emitter golden cases: testdata/emit/<case>/{input.yaml,kustomization.yaml}.

Inputs only; every expected output comes from the oracle via regen.sh. Strings
are written double-quoted with escapes for anything a YAML reader would treat
specially, so the parser sees exactly the intended text; Raw(...) tokens are
written unquoted so go-yaml v3's resolver types them.
"""
import os
import unicodedata
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class Raw(str):
    """A scalar written as is (plain YAML token or block text)."""


def dq(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == '\\':
            out.append('\\\\')
        elif o < 0x20 or 0x7F <= o <= 0x9F or o in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF):
            out.append('\\u%04X' % o)
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def dump(v, indent, out):
    pad = ' ' * indent
    if isinstance(v, dict):
        if not v:
            return '{}'
        for k, x in v.items():
            key = k if isinstance(k, Raw) else dq(k)
            if isinstance(x, (dict, list)) and x:
                out.append('%s%s:' % (pad, key))
                dump(x, indent + 2, out)
            else:
                out.append('%s%s: %s' % (pad, key, scalar(x)))
        return None
    if isinstance(v, list):
        if not v:
            return '[]'
        for x in v:
            if isinstance(x, (dict, list)) and x:
                out.append('%s-' % pad)
                dump(x, indent + 2, out)
            else:
                out.append('%s- %s' % (pad, scalar(x)))
        return None
    raise TypeError(v)


def scalar(x):
    if isinstance(x, Raw):
        return str(x)
    if isinstance(x, str):
        return dq(x)
    if x == {}:
        return '{}'
    if x == []:
        return '[]'
    if x is None:
        return 'null'
    if isinstance(x, bool):
        return 'true' if x else 'false'
    if isinstance(x, int):
        return str(x)
    raise TypeError(x)


CASES = {}


def case(name, body, kind='Emit'):
    """body: dict of top-level fields besides apiVersion/kind/metadata, or raw YAML text."""
    assert name not in CASES, name
    head = 'apiVersion: test/v1\nkind: %s\nmetadata:\n  name: %s\n' % (kind, name.replace('_', '-'))
    if isinstance(body, str):
        text = head + body
    else:
        lines = []
        dump(body, 0, lines)
        text = head + '\n'.join(lines) + '\n'
    CASES[name] = text


# ---- key order (K1-K5) ----
MIXED_KEYS = ['', '#c', '-d', '[e]', '_x', '~x', '1', '01', '2', '10', 'A', 'A1', 'B', 'Z', 'a',
              'a b', 'a-b', 'a.b', 'a/b', 'a: b', 'a:b', 'a_b', 'a~b', 'a0', 'a00', 'a000b', 'a1',
              'a2', 'a2b', 'a02', 'a9', 'a10', 'x1y9', 'x1y10', 'x01', 'x001', 'ab', 'b', 'z',
              'ä', 'é', '日', 'Ω', 'ω', '0', '00', '000', '9', '99', '100', 'a10b', 'a1b', 'a01b',
              'v1.2', 'v1.10', 'v1.02', 'k8s', 'k08s', 'k80s', ' ', '  a', '!', '$', '%', '.a',
              'Ab', 'aB', 'AB', 'ab1', 'ab01', 'ab001', '10a', '1a', '1b', 'a-1', 'a-01', 'a-10']


def is_letter(c):
    return unicodedata.category(c).startswith('L')


def is_digit(c):
    return unicodedata.category(c) == 'Nd'


def v2_less(a, b):
    """go-yaml v2's key comparison, to keep key sets whose order is total:
    on a cyclic set kustomize's output order is random (Go map order feeds
    the sort), so such sets cannot be golden cases."""
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        al, bl = is_letter(a[i]), is_letter(b[i])
        if al and bl:
            return a[i] < b[i]
        if al or bl:
            return bl
        an = bn = 0
        if a[i] == '0' or b[i] == '0':
            j = i - 1
            while j >= 0 and is_digit(a[j]):
                if a[j] != '0':
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and is_digit(a[ai]):
            an = an * 10 + ord(a[ai]) - 48
            ai += 1
        bi = i
        while bi < len(b) and is_digit(b[bi]):
            bn = bn * 10 + ord(b[bi]) - 48
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


def total_subset(keys):
    """Greedily keeps the keys that leave the comparison transitive."""
    kept = []
    for k in keys:
        cand = kept + [k]
        ok = all(not (v2_less(x, y) and v2_less(y, z) and v2_less(z, x))
                 for x in cand for y in cand for z in cand if k in (x, y, z))
        if ok:
            kept.append(k)
    return kept


MIXED_KEYS = total_subset(MIXED_KEYS)
case('keys_mixed', {'data': {k: 'v' for k in MIXED_KEYS}})
case('keys_mixed_reversed', {'data': {k: 'v' for k in reversed(MIXED_KEYS)}})
case('keys_digits', {'data': {k: 'v' for k in total_subset([
    'item10', 'item9', 'item1', 'item01', 'item001', 'item0', 'item00', 'item100', 'item2a',
    'item2', 'item20', 'it', 'item', 'item-1', 'item_1', 'item.1', '2item', '10item', '1item'])}})
case('keys_case', {'data': {k: 1 if False else 'v' for k in [
    'b', 'B', 'a', 'A', 'ba', 'Ba', 'bA', 'BA', 'a1', 'A1', 'aa', 'Aa', 'zz', 'ZZ', 'zZ']}})
case('keys_unicode', {'data': {k: 'v' for k in total_subset([
    'a', 'z', 'Ⅻ', 'ⅰ', '〇', '1', 'é', 'Ω', 'ж', 'ª', 'ǅ', 'ʰ', '日', 'ア', '٣', '²', '½', '_', '€',
    'aⅫ', 'a〇', 'aé', 'a1', 'a_', 'a€', 'ab', 'ि', 'aि', 'हिंदी', 'हा', 'ä', 'ä', '२', 'a२',
    'a٣', 'a²'])}})
case('keys_nested_sorted', {'spec': {'z': {'y': 1, 'b': 2, 'a': {'d': [], 'c': {}}},
                                     'a': [{'name': 'x', 'image': 'y', 'args': ['b', 'a']}]}})
case('keys_k8s_fields', {'spec': {'template': {'spec': {'containers': [{
    'name': 'app', 'image': 'nginx:1.25', 'imagePullPolicy': 'IfNotPresent',
    'ports': [{'containerPort': 80, 'protocol': 'TCP', 'name': 'http'}],
    'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'valueFrom': {'fieldRef': {'fieldPath': 'metadata.name'}}}],
    'resources': {'limits': {'cpu': '500m', 'memory': '128Mi'}, 'requests': {'cpu': Raw('0.5')}}}]}}}})

# ---- numbers (N1, N2, JSON hop) ----
INTS = ['0', '-0', '+0', '7', '-7', '+12', '012', '00012', '0o17', '0O17', '0x1F', '0X1f', '0xff',
        '-0x1F', '0b101', '0B11', '-0b101', '1_000', '1__0', '1_0_0', '9223372036854775807',
        '-9223372036854775808', '9223372036854775808', '18446744073709551615',
        '18446744073709551616', '-9223372036854775809', '99999999999999999999999', '0777', '08',
        '09', '0x7FFFFFFFFFFFFFFF', '0xFFFFFFFFFFFFFFFF', '123456789012']
for i, chunk in enumerate([INTS[j:j + 6] for j in range(0, len(INTS), 6)]):
    case('ints_%d' % i, {'v%02d' % k: Raw(t) for k, t in enumerate(chunk)})
FLOATS = ['1.0', '1.5', '-1.5', '1e3', '1E3', '1e+3', '1e-3', '-0.0', '0.0', '+0.5', '.5', '-.5', '5.',
          '1_000.5', '1e20', '1e21', '1e19', '-1e19', '1.8e19', '1.85e19', '123456.5', '1234567.5',
          '0.0001', '0.00001', '0.0025', '1.5e-7', '3.14159', '6.02e23', '2.5e-300', '1e-320',
          '100000.5', '999999.9', '1000000.5', '0.1', '0.2', '0.30000000000000004', '1.7976931348623157e308',
          '12345678901234567890.0', '9007199254740993.0', '4.35', '1.1e1', '2.50', '1e400', '-1e400',
          '1e06', '1.5e6', '0.000123', '123e-2']
for i, chunk in enumerate([FLOATS[j:j + 6] for j in range(0, len(FLOATS), 6)]):
    case('floats_%d' % i, {'v%02d' % k: Raw(t) for k, t in enumerate(chunk)})
case('bools', {'a': Raw('true'), 'b': Raw('True'), 'c': Raw('TRUE'), 'd': Raw('false'),
               'e': Raw('False'), 'f': Raw('FALSE'), 'g': Raw('yes'), 'h': Raw('on'), 'i': Raw('No'),
               'j': Raw('y'), 'k': Raw('off'), 'l': [Raw('true'), Raw('False')]})
case('nulls', 'a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: [~, null, ]\ng:\n- \n- null\n')
case('parser_flow_empty_value', 'h: {x: }\ni: {y: , z: 1}\n')
case('numbers_in_seqs', 'a: [1, 1.0, 0x10, 1e3, .5, -0.0, 012, 1_000]\nb:\n- - 1\n  - 2.5\n- - 3\n')

# ---- timestamps ----
TS = ['2001-12-14', '2001-12-14T21:59:43.10-05:00', '2001-12-14t21:59:43.10Z', '2001-12-14 21:59:43.10',
      '2001-12-14T21:59:43Z', '2001-12-14T21:59:43+00:00', '2001-12-14T21:59:43.123456789+05:30',
      '2001-12-14T21:59:43.1234567891Z', '2001-1-4', '2001-1-4T1:2:3Z', '2001-12-14  21:59:43',
      '2001-12-14 21:59:43.10 -5', '2000-02-29', '2001-02-29', '2001-13-01', '2001-12-14T24:00:00Z',
      '2001-12-14T21:59:43.000Z', '2001-12-14T21:59:43,5Z', '0001-01-01', '9999-12-31T23:59:59.999Z']
for i, chunk in enumerate([TS[j:j + 5] for j in range(0, len(TS), 5)]):
    case('timestamps_%d' % i, {'t%02d' % k: Raw(t) for k, t in enumerate(chunk)})
case('timestamps_quoted', {'t%02d' % k: t for k, t in enumerate(TS)})

# ---- strings that v2 would re-type (S1, S2) ----
RETYPE = ['', '~', 'null', 'Null', 'NULL', 'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
          'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
          '.inf', '.Inf', '.INF', '+.inf', '-.inf', '-.INF', '.nan', '.NaN', '.NAN', '0', '00', '012',
          '08', '0x1F', '0o17', '0b101', '+1', '-0', '1_000', '1__0', '1.0', '.5', '5.', '0.', '1e3',
          '1E3', '2001-12-14', '2001-12-14T21:59:43.10-05:00', '1:20', '12:30', '190:20:30', '1:2:3.5',
          '-1:20', '1_0:20', '1:60', '1:5', '.5_5', '._5', '1e400', '18446744073709551616',
          '<<', '=', 'NaN', 'inf', 'Infinity', '_1', 'e3', '1e', '0x', '1,000', '1.2.3',
          '2001-12-14 21:59:43.10 -5', 'yES', 'nULL', 'tRUE', 'o', 'Off!', '0xG', '1e3x', '+', '-',
          '.', '..', '+.5', '-5.', '0b', '0b2', '1:2:3', '12:30:45.5', '2001-12-14T21:59:43',
          '2001-02-30', '20011-12-14', '2001-12-14x']
for i, chunk in enumerate([RETYPE[j:j + 8] for j in range(0, len(RETYPE), 8)]):
    case('retype_%d' % i, {'s%02d' % k: t for k, t in enumerate(chunk)})
case('retype_keys', {'data': {t: 'v' for t in RETYPE[:40]}})
case('retype_in_seq', {'items': RETYPE[:30]})

# ---- plain not allowed (S3) ----
PLAIN_BAD = [' lead', 'trail ', ' both ', '#c', ',c', '[c', ']c', '{c', '}c', '&c', '*c', '!c', '|c',
             '>c', "'c", '"c', '%c', '@c', '`c', '?', '? a', ':', ': a', '-', '- a', '-a', ':a', '?a',
             '--', '---', '--- a', '...', '...a', '..', 'a: b', 'a:', 'a:b', 'a #b', 'a#b', 'a,b',
             'a]', 'a}', 'a[', 'a{', 'a?', 'a ?', 'a - b', 'a -', 'a |', 'a >', "a'b", 'a"b', 'a@b',
             'a%b', 'a&b', 'a*b', 'a!b', 'http://x.y/z', 'key: value: x', 'a:\tb', '-\t', 'a  b',
             'a   b   c', '  ', ' ', 'a: ', '#', 'x #', 'C:\\path', '\\', 'a\\b', 'a=b', '~a', 'a~']
for i, chunk in enumerate([PLAIN_BAD[j:j + 8] for j in range(0, len(PLAIN_BAD), 8)]):
    case('plain_bad_%d' % i, {'s%02d' % k: t for k, t in enumerate(chunk)})
case('plain_bad_in_seq', {'items': PLAIN_BAD[:40]})
case('plain_bad_keys', {'data': {t: 'v' for t in PLAIN_BAD[:45]}})

# ---- special characters (S4, W3 escapes) ----
SPECIAL = ['a\tb', '\t', 'a\rb', 'a\r', '\x00', 'a\x01b', '\x07\x08\x0b\x0c\x1b', '\x1f', 'bell\x07',
           'nbsp\xa0x', '\xa0', 'x\u2028y', 'x\u2029y', '\u2028', 'bom\ufeffmid', '\ufeffbom',
           '\ufeff', '\ufeffa b', 'smile \U0001F600', '\U0001F600', 'emoji \U0001F600 end',
           '𝕏', 'a\U0010FFFF', 'CJK 日本語', '日本語', 'combining é', 'ё', 'Ωmega', '\ue000', '\ufffd',
           'a"b', 'a\\b', 'quote"and\ttab', '\\"', '\u00ff', '\u0100', 'ab\u0085cd', '\u0085',
           'a \u0085 b', 'a\u0085\u0085b', 'tab\tand \U0001F600', '\u200b', '\u00ad', 'ok\u0009\u0009']
for i, chunk in enumerate([SPECIAL[j:j + 6] for j in range(0, len(SPECIAL), 6)]):
    case('special_%d' % i, {'s%02d' % k: t for k, t in enumerate(chunk)})
case('special_keys', {'data': {t: 'v' for t in SPECIAL if '\x85' not in t and t != '\x00'}})
case('special_in_seq', {'items': SPECIAL[:24]})

# ---- multi-line strings: literal and its fallbacks (S1, S5, W4) ----
MULTI = ['a\nb', 'a\nb\n', 'a\nb\n\n', 'a\nb\n\n\n', '\n', '\n\n', 'a\n', ' lead\nx', '\nlead',
         '\n\nlead', '  two\nx\n', 'a \nb', 'line1\nline2 \n', 'a\tb\nc', 'a\r\nb\r\n',
         'emoji\n\U0001F600\n', 'a\n b', 'a\n\n b\n', 'x\n ', 'trail \n', 'a\n\tb', 'a\u2028b\nc',
         'a\nb\u2028', 'end\u2029', '#x\ny', '- a\n- b\n', 'key: v\nk2: v2\n', 'a\n\n\nb',
         'x' * 100 + '\n' + 'y ' * 60 + '\n', '"q"\n\'s\'\n', '\\n\nx', 'a\nb\r', 'true\n',
         '1\n', 'a\n\x85b', '\ufeffa\nb', '   \n', 'a\n  \nb', ' \n', '\n ']
for i, chunk in enumerate([MULTI[j:j + 5] for j in range(0, len(MULTI), 5)]):
    case('multiline_%d' % i, {'s%02d' % k: t for k, t in enumerate(chunk)})
case('multiline_in_seq', {'items': MULTI[:20]})
case('multiline_nested', {'a': {'b': {'c': MULTI[:6], 'd': {'e': 'x\ny\n'}}}})
case('multiline_keys', {'data': {t: 'v' for t in ['a\nb', 'a\nb\n', '\nx', 'a \nb', 'k\n\n', 'x\ry']}})
case('literal_block_input', 'data:\n  a: |\n    line 1\n     indented\n    line 3\n  b: >\n    folded\n    text\n\n    para\n  c: |+\n    keep\n\n  d: |-\n    strip\n  e: |2\n      two extra\n    x\n')

# ---- folding (W1-W3) at several depths and contexts ----
def word(n):
    return ('abcdefghij' * 20)[:n]


for style in ['plain', 'single', 'double']:
    for ctx in ['map', 'seq']:
        for depth in [0, 1, 3]:
            vals = {}
            for n in [60, 66, 70, 71, 72, 73, 74, 75, 76, 78, 80, 81, 85]:
                t = word(n) + ' x y zz ' + word(30) + ' ' + word(90) + ' q'
                if style == 'single':
                    t = ' ' + t
                elif style == 'double':
                    t = t + '\t'
                vals['w%02d' % n] = t
            v = vals if ctx == 'map' else list(vals.values())
            for _ in range(depth):
                v = {'n': v}
            case('fold_%s_%s_d%d' % (style, ctx, depth), {'f': v})
LONG_SENTENCE = ('Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor '
                 'incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud '
                 'exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.')
case('fold_sentence', {'a': LONG_SENTENCE, 'b': [LONG_SENTENCE], 'c': {'d': {'e': LONG_SENTENCE}},
                       'q': "'" + LONG_SENTENCE, 'r': LONG_SENTENCE + ' \U0001F600'})
case('fold_double_spaces', {
    'a': word(78) + '  x  y ' + word(40) + '  ' + word(40) + '   z',
    'b': word(81) + '  ' + word(10) + ' ' + word(10),
    'c': ' ' + word(78) + '  x  y ' + word(40) + '  ' + word(40),
    'd': word(78) + '  x  y ' + word(40) + '  ' + word(40) + '\t',
    'e': word(85) + '    ' + word(85) + '  ' + word(5) + ' ' + word(5),
    'f': ' ' * 90 + 'x',
    'g': 'x' + ' ' * 90,
})
case('fold_edges', {
    'first': ' ' + word(100),
    'last': word(100) + ' ',
    'onlyspace': word(85) + ' ',
    'sq_last': "'" + word(100) + ' ',
    'dq_last': '\t' + word(100) + ' ',
    'dq_first': ' \t' + word(100),
    'single_word': word(200),
    'many_short': ' '.join(['ab'] * 80),
    'escapes': ('\t' + word(9)) * 12 + ' ' + word(9) + ' ' + word(9),
    'cjk': '日本語 ' * 40,
    'cjk_long': '日' * 100 + ' ' + '本' * 10,
    'emoji_words': ('\U0001F600 ' * 50).strip(),
    'bom': '\ufeff' + 'ab ' * 40,
})
case('fold_long_keys', {'data': {
    'long key ' * 16: 'val',
    ('word ' * 30).strip(): ('value ' * 30).strip(),
    word(129): 'v',
    word(128): 'v',
    word(127): 'v',
    '日' * 42: 'v (126 bytes)',
    '日' * 43: 'v (129 bytes)',
    ' ' + word(130): 'v',
    word(130) + '\t': 'v',
    word(130) + ' #x': 'v',
    'true' + ' ' * 130: 'v',
}})
case('long_key_values', {'data': {
    word(129): {'nested': 'map', 'list': [1, 2]},
    word(130): ['a', ['b']],
    word(131): {},
    word(132): [],
    word(133): 'multi\nline\n',
    'a\nb': {'x': 1},
    'c\nd': ['y'],
}})

# ---- layout (L1-L3) ----
case('nested_seqs', 'a:\n- - 1\n  - 2\n- - - 3\n    - 4\n  - []\n  - {}\n- []\n- {}\n- ~\n- ""\n- - x: 1\n    y: 2\n')
case('empty_collections', 'a: {}\nb: []\nc:\n  d: {}\n  e: []\nf: [{}, [], [[]], [{}]]\ng: [{a: {}}, {b: []}]\n')
case('seq_of_maps', 'items:\n- name: a\n  value: 1\n- name: b\n  sub:\n  - x\n  - y: z\n    w: [1]\n- {}\n- k: {}\n  l: []\n')
case('deep_nesting', 'a:\n  b:\n    c:\n      d:\n        e:\n          f:\n          - g:\n              h:\n              - - i\n')
case('seq_root_values', {'a': [1, 'two', None, True, [], {}, '', ' ', 'x y', ['nested']]})
case('configmap_data', {'data': {'app.properties': 'a=1\nb=2\n', 'key': 'value', 'num': '42',
                                 'bool': 'true', 'empty': '', 'json': '{"a": 1}'}}, kind='ConfigMap')
case('anchors', 'base: &b\n  x: 1\n  y: [1, 2]\ncopy: *b\nmerged:\n  <<: *b\n  y: override\n')
case('flow_input', 'a: {b: [1, 2, {c: d}], e: "f g"}\nh: [x, "y", \'z\']\n')
case('comments_dropped', '# head\na: 1 # trailing\n# between\nb: [x, y] # flow\n')

case('fold_in_seq_maps', {'containers': [{'name': 'a', 'args': [LONG_SENTENCE, [LONG_SENTENCE]],
                                           'command': ['sh', '-c', LONG_SENTENCE + '\n' + LONG_SENTENCE],
                                           'env': [{'name': 'X', 'value': LONG_SENTENCE}]}],
                            'nested': [[[LONG_SENTENCE]]]})
case('complex_key_values', {'data': {
    'k\nl': {'a': [1, {'b': LONG_SENTENCE}]},
    word(140): [[1, 2], {'x': 'y'}],
    'sp ' + word(130) + ' ': ['q', '', ' '],
    'tab\t' + word(130): {'z': {}},
}})
case('stream_two_docs', 'data:\n  a: "1"\n---\napiVersion: test/v1\nkind: Emit\nmetadata:\n  name: stream-two-docs-b\ndata:\n  b: [x]\n')
case('emoji_and_cjk_widths', {'data': {
    'cjk80': '日' * 78 + ' x y',
    'cjk_words': ('日本語 ' * 30).strip(),
    'mixed': ('ab 日本 ' * 20).strip(),
    'accents': ('é' * 76) + ' x y z ' + 'w' * 10,
    'nbsp_words': ('a\xa0b ' * 30).strip(),
}})

case('structure_combos', {
    'a': [[['x', 'y\nz\n'], {'k': 'v\n'}], [[], [{}]], [' lead', 'trail ', '']],
    'b': [{'c': [{'d': [[{'e': 'f'}]]}]}],
    'c': {word(129): [[1]], 'k\n': [{'x': 'long value ' * 10}]},
    'd': [{'one': 1}, {'two': 2, 'three': [3]}],
    'e': [None, True, False, 0, -1, 'null', 'True'],
})
case('breaks_2028', {
    'a': 'x\u2028y\tz',
    'b': ['p\u2029q', {'r': 's\u2028t'}],
    'c': {'d': {'e': 'one\u2028two\u2028three'}},
    'f': ('word ' * 20) + '\u2028' + ('word ' * 20).strip(),
    'g': 'lit\n\u2028x\n',
})
case('quotes_inside', {
    'a': "it's", 'b': 'say "hi"', 'c': "'quoted'", 'd': '"dq"', 'e': "''", 'f': '""',
    'g': "a'b'c " + "x" * 80 + " y'z", 'h': 'back\\slash', 'i': '\\', 'j': "' ",
})
case('retype_near_misses', {'s%02d' % k: t for k, t in enumerate([
    '1.5.', '1e5e', '0x1g', '0o8', '0b2', '1_', '_', '1._5', '+-1', '--1', '1-', '12:', ':12',
    '1::2', '1:2:', '01:02', '00:00', '1.', '-.', '+.', '.e5', '.5e', '.5e+', '1e+', 'yes ', ' no',
    'NO!', 'nul', 'Nulls', 'TRUE.', '~~', '2001-12-14T21:59:43.10', '2001-12-14T21:59', '2001-12',
    '2001', '12-14-2001', '2001-12-14t21:59:43Z', '2001-12-14T21:59:43.5+0530', '1.0e+400'])})

case('key_128_boundary', {'data': {
    ' ' + word(127): 'single-quoted, 128 bytes',
    ' ' + word(128): 'single-quoted, 129 bytes',
    '\t' + word(127): 'double-quoted, 128 bytes',
    '\t' + word(128): 'double-quoted, 129 bytes',
    'é' * 64: '128 bytes of two-byte letters',
    'é' * 64 + 'x': '129 bytes',
    '\U0001F600' * 32: '128 bytes of emoji',
    '\U0001F600' * 32 + 'x': '129 bytes of emoji',
    ('ab ' * 43)[:128]: 'spaces, 128 bytes',
    ('ab ' * 43)[:129]: 'spaces, 129 bytes',
}})
case('very_long_strings', {
    'a': ' '.join(['word'] * 2000),
    'b': 'x' * 5000,
    'c': ('line ' * 30 + '\n') * 50,
    'd': [' '.join(['w%d' % i for i in range(500)])],
    'e': "'" + ' '.join(['q'] * 300),
    'f': '\t' + ' '.join(['d'] * 300),
})

# ---- seeded random strings over the characters the rules care about ----
import random

ALPHABET = ['a', 'b', 'x', '1', '0', ' ', ' ', ' ', ':', '#', '-', '?', "'", '"', '\\', '\n', '\t',
            '.', ',', '[', '{', '|', '>', '!', '&', '*', '%', '@', '`', '~', '=', '_', 'é', '日',
            '\U0001F600', '\u2028', '\x85', '\xa0', '\r', '\ufeff']


def rand_str(rng):
    n = rng.choice([1, 2, 3, 5, 8, 20, 60, 90, 120, 200])
    if rng.random() < 0.5:
        # Mostly words, so folding happens.
        return ' '.join(''.join(rng.choice('abcdefgh') for _ in range(rng.randint(1, 12)))
                        for _ in range(max(1, n // 6))) + rng.choice(ALPHABET) * rng.randint(0, 2)
    return ''.join(rng.choice(ALPHABET) for _ in range(n))


for seed in range(24):
    rng = random.Random(seed)
    vals = [rand_str(rng) for _ in range(40)]
    case('random_%d' % seed, {
        'm': {'k%02d' % i: v for i, v in enumerate(vals[:20])},
        'n': {'deep': {'er': {'k%02d' % i: v for i, v in enumerate(vals[20:])}}},
        's': vals[:20],
        't': [[v] for v in vals[20:30]],
    })
    keys = total_subset([rand_str(rng) for _ in range(25)])
    case('random_keys_%d' % seed, {'data': {k: 'v' for k in keys if '\x85' not in k}})



def rand_num(rng):
    t = rng.choice(['', '+', '-', '', ''])
    t += ''.join(rng.choice('0123456789') for _ in range(rng.choice([1, 1, 2, 3, 5, 8, 15, 17, 19, 20, 22])))
    r = rng.random()
    if r < 0.3:
        t += '.' + ''.join(rng.choice('0123456789') for _ in range(rng.randint(0, 6)))
    if rng.random() < 0.3:
        t += rng.choice('eE') + rng.choice(['', '+', '-']) + str(rng.randint(0, 40))
    if rng.random() < 0.1:
        t = t.replace('1', '1_')
    return t


for seed in range(6):
    rng = random.Random(1000 + seed)
    nums = [rand_num(rng) for _ in range(40)]
    case('random_numbers_%d' % seed, {'raw': {'n%02d' % i: Raw(t) for i, t in enumerate(nums)},
                                      'str': {'n%02d' % i: t for i, t in enumerate(nums)}})



def rand_tree(rng, depth):
    r = rng.random()
    if depth > 4 or r < 0.35:
        return rng.choice([rand_str(rng), rand_str(rng), Raw(rand_num(rng)), None, True, {}, []])
    if r < 0.65:
        return [rand_tree(rng, depth + 1) for _ in range(rng.randint(1, 4))]
    keys = total_subset([''.join(rng.choice('abcXY-_.') for _ in range(rng.randint(1, 6)))
                         for _ in range(rng.randint(1, 5))])
    return {k: rand_tree(rng, depth + 1) for k in keys}


for seed in range(16):
    rng = random.Random(2000 + seed)
    case('random_tree_%d' % seed, {'tree': {'t%d' % i: rand_tree(rng, 0) for i in range(6)}})

# ---- JSON-hop errors ----
case('err_inf', 'a: .inf\n')
case('err_neg_inf', 'a: -.Inf\n')
case('err_nan', 'a: .NaN\n')
case('err_del', {'a': 'x\x7fy'})
case('err_c1', {'a': 'x\x80y'})
case('err_fffe', {'a': 'x\ufffey'})
case('err_del_key', {'data': {'k\x7f': 'v'}})
case('err_nel_key', {'data': {'a\x85b': 'v'}})
case('err_nel_key_line', {'a': 'x\x85y\x85z', 'b': ['\x85'], 'c': {'k\x85\x85': 'v', 'j\x85': 1}})

# ---- tags go-yaml continues past ',', '[' and ']' (libyaml-safer panicked) ----
case('tag_comma_flow', 'l: [!!str, a]\nm: [!foo, a]\nn: [!, a]\no: [!!int, 1]\n'
     'q: [[!x, y], !!str, z]\nr: "[!!str, a]"\n')
case('tag_comma_block', 'l: !!str,a\nm: !foo[x],\n')
case('tag_comma_many', 'l: [%s]\n' % ', '.join('!t%d, v%d' % (i, i) for i in range(40)))


def main():
    for name in os.listdir(HERE):
        p = os.path.join(HERE, name)
        if os.path.isdir(p) and os.path.exists(os.path.join(p, 'input.yaml')) and name not in CASES:
            shutil.rmtree(p)
    for name, text in CASES.items():
        d = os.path.join(HERE, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, 'input.yaml'), 'w', encoding='utf-8') as f:
            f.write(text)
        with open(os.path.join(d, 'kustomization.yaml'), 'w') as f:
            f.write('resources:\n- input.yaml\n')
    print('%d cases' % len(CASES), file=sys.stderr)


if __name__ == '__main__':
    main()
