#!/usr/bin/env python3
"""Regenerates jinja_cases.json: each case's expected output computed by Python Jinja2 set up as
Hugging Face transformers renders chat templates (the reference this interpreter follows).
Run by hand after editing CASES; CI only reads the JSON."""
import datetime, json, os
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.exceptions import TemplateError


def raise_exception(m):
    raise TemplateError(m)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = lambda f: datetime.datetime(2024, 7, 26, 12, 0, 0).strftime(f)

# (name, template, context)
CASES = [
    # --- text and whitespace control
    ("text_plain", "Hello, world", {}),
    ("ws_trim_blocks", "{% if true %}\nA\n{% endif %}\nB", {}),
    ("ws_lstrip_blocks", "x\n    {% if true %}\n    y\n    {% endif %}\nz", {}),
    ("ws_dash_markers", "a   {{- 'b' -}}   c\n  {%- if true -%}  d  {%- endif -%}  e", {}),
    ("ws_plus_disables_lstrip", "x\n    {%+ if true %}y{% endif %}", {}),
    ("ws_comment", "a\n  {# note #}\nb {#- x -#} c", {}),
    ("ws_var_no_trim", "{{ 'a' }}\nb", {}),
    ("ws_trailing_newline_dropped", "line\n", {}),
    ("ws_crlf", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n", {}),
    ("raw_block", "{% raw %}{{ not evaluated }} {% if %}{% endraw %}!", {}),
    # --- literals and printing
    ("lit_strings", "{{ 'it\\'s' }}|{{ \"a\\tb\\nc\" }}|{{ '\\u4e2d\\x41' }}|{{ 'ab' 'cd' }}", {}),
    ("lit_numbers", "{{ 42 }} {{ 1.5 }} {{ 2.0 }} {{ 1e3 }} {{ 1_000 }} {{ -3 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1.5e-7 }}", {}),
    ("lit_consts", "{{ true }} {{ True }} {{ false }} {{ none }} {{ None }}", {}),
    ("print_list_dict", "{{ [1, 'a', none, true, 2.5, [\"q'\"]] }} {{ {'k': 'v', 'n': {'x': 1}} }} {{ (1,) }} {{ (1, 2) }} {{ () }}", {}),
    ("print_context_values", "{{ d }} {{ xs }} {{ s }}", {"d": {"b": 1, "a": [True, None]}, "xs": [1.0, "é"], "s": "中文"}),
    # --- operators
    ("arith", "{{ 10 / 4 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 7.5 // 2 }} {{ 3 * 'ab' }} {{ [0] * 3 }}", {}),
    ("precedence", "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 'a' ~ 1 + 2 ~ 'b' }} {{ 'n' ~ 1 + 2 | string }}", {}),
    ("concat_tilde", "{{ 'a' ~ 1 ~ none ~ true ~ [1] }}", {}),
    ("add_lists_strings", "{{ [1] + [2, 3] }} {{ 'ab' + 'cd' }} {{ (1,) + (2,) }}", {}),
    ("compare_chain", "{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 'a' != 'a' }}", {}),
    ("in_not_in", "{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} {{ 'x' not in 'xyz' }}", {}),
    ("and_or_values", "{{ 0 or 'x' }} {{ '' and 'y' }} {{ 'a' and 'b' }} {{ none or none }} {{ not 0 }} {{ not [1] }}", {}),
    ("cond_expr", "{{ 'y' if true else 'n' }} {{ 'y' if false else 'n' }} [{{ 'y' if false }}] {{ 1 if false else 2 if true else 3 }}", {}),
    # --- access
    ("attr_item", "{{ d.a }} {{ d['a'] }} {{ xs[-1] }} {{ xs.0 }} {{ 'abc'[1] }} {{ '中文字'[-1] }} [{{ d.missing }}] [{{ xs[10] }}] {{ d.n.m }}", {"d": {"a": 1, "n": {"m": "deep"}}, "xs": [1, 2, 3]}),
    ("dict_method_shadowing", "{{ d.items()|list }} {{ d['items'] }} {{ d.get('items') }}", {"d": {"items": "key"}}),
    ("slices", "{{ xs[1:] }} {{ xs[:-1] }} {{ xs[::-1] }} {{ xs[::2] }} {{ xs[-2:] }} {{ xs[1:3] }} {{ xs[5:] }} {{ s[::-1] }} {{ s[1:] }} {{ s[:-1] }}", {"xs": [1, 2, 3, 4], "s": "中文ab"}),
    # --- for loops
    ("for_loop_vars", "{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}", {"xs": ["a", "b"]}),
    ("for_else", "{% for x in [] %}x{% else %}empty{% endfor %}|{% for x in [1] %}{{ x }}{% else %}no{% endfor %}", {}),
    ("for_unpack_items", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k, v in d|items %}{{ k }}{% endfor %}{% for (a, b) in [(1, 2)] %}{{ a + b }}{% endfor %}", {"d": {"z": 1, "a": 2}}),
    ("for_dict_and_string", "{% for k in d %}{{ k }}{% endfor %}|{% for c in '中文' %}[{{ c }}]{% endfor %}", {"d": {"b": 1, "a": 2}}),
    ("for_inline_if", "{% for x in xs if x % 2 == 0 %}{{ x }}:{{ loop.index }}/{{ loop.length }} {% endfor %}", {"xs": [1, 2, 3, 4, 6]}),
    ("for_break_continue", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("for_nested_loop_shadow", "{% for a in [1, 2] %}{% for b in 'xy' %}{{ loop.index }}{% endfor %}{{ loop.index }}|{% endfor %}", {}),
    ("for_prev_next_cycle", "{% for x in [1, 2, 3] %}{{ loop.previtem }}-{{ loop.nextitem }}-{{ loop.cycle('a', 'b') }} {% endfor %}", {}),
    ("for_scope", "{% set x = 1 %}{% for i in [5] %}{% set x = i %}{{ x }}{% endfor %}{{ x }}", {}),
    ("for_undefined_iterable", "[{% for x in nothing %}{{ x }}{% endfor %}]", {}),
    # --- set
    ("set_simple_and_tuple", "{% set a = 1 %}{% set b, c = [2, 3] %}{% set t = 4, 5 %}{{ a }}{{ b }}{{ c }}{{ t }}", {}),
    ("set_namespace", "{% set ns = namespace(n=0, found=false) %}{% for x in [1, 2, 3] %}{% set ns.n = ns.n + x %}{% if x == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.n }} {{ ns.found }}", {}),
    ("set_namespace_from_dict", "{% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}", {}),
    ("set_block", "{% set body %}\nHello {{ name }}!\n{% endset %}[{{ body }}]{% set up | upper %}x{{ 'y' }}{% endset %}{{ up }}", {"name": "Bo"}),
    ("set_overrides_context", "{% set messages = messages[1:] %}{{ messages|length }}", {"messages": [1, 2, 3]}),
    # --- macros and filter blocks
    ("macro_basic", "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', '?') }} {{ greet(name='C', punct='.') }}", {}),
    ("macro_recursive", "{% macro count(n) %}{{ n }}{% if n > 0 %}{{ count(n - 1) }}{% endif %}{% endmacro %}{{ count(3) }}", {}),
    ("macro_sees_globals", "{% set g = 'G' %}{% macro m() %}{{ g }}{{ top }}{% endmacro %}{{ m() }}", {"top": "T"}),
    ("macro_varargs_kwargs", "{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, k='v') }}", {}),
    ("macro_default_refers_param", "{% macro m(a, b=a ~ '!') %}{{ b }}{% endmacro %}{{ m('x') }}", {}),
    ("filter_block", "{% filter upper %}abc {{ 'd' }}{% endfilter %}|{% filter trim %}   x   {% endfilter %}", {}),
    # --- filters
    ("f_trim_lengths", "[{{ '  a b  '|trim }}] {{ 'xxaxx'|trim('x') }} {{ [1, 2]|length }} {{ '中文'|length }} {{ d|count }} {{ nothing|length }}", {"d": {"a": 1}}),
    ("f_case", "{{ 'aBc'|upper }} {{ 'aBc'|lower }} {{ 'hello world'|capitalize }} {{ 'hello wORLD-x'|title }}", {}),
    ("f_replace_split_join", "{{ 'a-b-c'|replace('-', '+') }} {{ 'a-b-c'|replace('-', '', 1) }} {{ ['a', 1]|join(', ') }} {{ users|join('/', attribute='name') }}", {"users": [{"name": "x"}, {"name": "y"}]}),
    ("f_first_last_list", "{{ [3, 4]|first }} {{ [3, 4]|last }} {{ 'ab'|list }} {{ 'ab'|first }} [{{ []|first }}]", {}),
    ("f_default", "{{ nothing|default('dflt') }} {{ nothing|d('d') }} {{ ''|default('e') }} {{ ''|default('e', true) }} {{ none|default('n') }} {{ 0|default(5, boolean=true) }}", {}),
    ("f_string_int_float", "{{ 5|string ~ 1 }} {{ '42'|int + 1 }} {{ '4.7'|int }} {{ 'x'|int }} {{ 'x'|int(-1) }} {{ 3.9|int }} {{ '1.5'|float }} {{ 2|float }} {{ true|int }}", {}),
    ("f_map_select", "{{ users|map(attribute='name')|list }} {{ ['a', 'b']|map('upper')|list }} {{ [1, 2, 3, 4]|select('odd')|list }} {{ [1, 2, 3]|reject('equalto', 2)|list }} {{ [0, 1, '', 'x']|select|list }}", {"users": [{"name": "x"}, {"name": "y"}]}),
    ("f_selectattr", "{{ ms|selectattr('role', 'equalto', 'user')|map(attribute='c')|join }} {{ ms|rejectattr('role', 'eq', 'user')|map(attribute='c')|join }} {{ ms|selectattr('flag')|map(attribute='c')|join }} {{ ms|selectattr('flag', 'defined')|list|length }}", {"ms": [{"role": "user", "c": "a", "flag": True}, {"role": "bot", "c": "b"}, {"role": "user", "c": "c", "flag": False}]}),
    ("f_items_keys_dictsort", "{{ d|items|list }} {{ d|dictsort }} {{ d|dictsort(reverse=true) }} {{ d|dictsort(by='value') }}", {"d": {"b": 2, "A": 3, "c": 1}}),
    ("f_sort_unique_reverse", "{{ [3, 1, 2]|sort }} {{ ['b', 'A', 'c']|sort }} {{ ['b', 'A']|sort(case_sensitive=true) }} {{ [3, 1]|sort(reverse=true) }} {{ us|sort(attribute='n')|map(attribute='n')|list }} {{ ['a', 'A', 'b', 'a']|unique|list }} {{ [1, 2]|reverse|list }} {{ 'abc'|reverse }}", {"us": [{"n": 2}, {"n": 1}]}),
    ("f_numbers", "{{ -3|abs }} {{ (-2.5)|abs }} {{ 2.567|round(2) }} {{ 2.5|round }} {{ 2.1|round(0, 'ceil') }} {{ 2.9|round(method='floor') }} {{ [1, 2, 3]|sum }} {{ [4, 1, 7]|max }} {{ [4, 1, 7]|min }}", {}),
    ("f_indent", "[{{ 'a\\nb\\n\\nc'|indent }}] [{{ 'a\\nb'|indent(2, true) }}] [{{ 'a\\n\\nb'|indent(2, blank=true) }}] [{{ 'a\\nb\\n'|indent('> ') }}]", {}),
    ("f_safe_escape", "{{ '<b>'|e }} {{ '<b>'|escape }} {{ '<b>'|safe }} {{ '<i>'|safe + '<x>' }} {{ '<x>' + '<i>'|safe }} {{ '<i>'|safe ~ '<x>' }}", {}),
    ("f_batch_attr_wordcount", "{{ [1, 2, 3]|batch(2)|list }} {{ [1, 2, 3]|batch(2, 0)|list }} {{ d|attr('a') }} {{ 'one two  three'|wordcount }}", {"d": {"a": 7}}),
    ("f_unicode_case", "{{ 'éß straße'|upper }} {{ 'ÉÀ ΣΑΣ'|lower }} {{ 'élan vital'|title }} {{ 'éCOLE'|capitalize }} {{ 'hello \\'world\\' (x)-y'|title }} {{ 'straße'.upper() }}", {}),
    ("f_center_format", "[{{ 'x'|center(5) }}][{{ 'ab'|center(5) }}][{{ 'ab'|center(6) }}][{{ 'abc'|center(2) }}] {{ '%s-%d'|format('a', 3) }} {{ '%(n)s=%(v).2f'|format(n='pi', v=3.14159) }}", {}),
    ("percent_operator", "{{ '%s and %s' % ('a', 1) }}|{{ '%5.1f|%-4d|%04d|%x|%r|%%' % (2.25, 7, -5, 255, 'q') }}|{{ 'v=%s' % [1, 2] }}|{{ '%+d %e %g' % (3, 12345.678, 0.0001) }}", {}),
    # --- tojson
    ("tojson_default", "{{ v|tojson }}", {"v": {"s": "中\"\\\n\t\u0001", "i": 1, "f": 1.0, "b": True, "n": None, "l": [1, [2, {}], []], "e": {}}}),
    ("tojson_indent", "{{ v|tojson(indent=2) }}|{{ v|tojson(indent='\\t') }}|{{ [1]|tojson(indent=0) }}", {"v": {"a": [1, {"b": None}], "c": {}, "d": []}}),
    ("tojson_options", "{{ v|tojson(separators=(',', ':')) }} {{ v|tojson(sort_keys=true) }} {{ v|tojson(ensure_ascii=true) }}", {"v": {"z": "é😀", "a": [1, 2]}}),
    ("tojson_strings_numbers", "{{ 'x'|tojson }} {{ 1.5|tojson }} {{ 1e100|tojson }} {{ none|tojson }} {{ (1, 2)|tojson }} {{ {1: 'a', true: 'b'}|tojson }}", {}),
    # --- tests
    ("tests_defined_none", "{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ n is none }} {{ x is not none }} {{ n is defined }}", {"x": 1, "n": None}),
    ("tests_types", "{{ 's' is string }} {{ 1 is string }} {{ {} is mapping }} {{ [] is mapping }} {{ 's' is iterable }} {{ 1 is iterable }} {{ [] is sequence }} {{ 's' is sequence }} {{ {} is sequence }} {{ 1 is number }} {{ 1.5 is number }} {{ true is number }} {{ 1 is integer }} {{ true is integer }} {{ 1.0 is float }} {{ true is boolean }} {{ 1 is boolean }}", {}),
    ("tests_values", "{{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }} {{ 4 is even }} {{ 3 is odd }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(2) }} {{ 1 is eq 1 }} {{ 'a' is equalto 'a' }} {{ 2 is in [1, 2] }} {{ 3 is gt 2 }} {{ 3 is lt 2 }} {{ 3 is ge 3 }} {{ 3 is le 2 }} {{ 3 is ne 3 }}", {}),
    ("tests_callable_sameas_case", "{{ range is callable }} {{ 'x' is callable }} {{ none is sameas none }} {{ false is sameas false }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 'upper' is filter }} {{ 'odd' is test }}", {}),
    ("tests_precedence", "{{ x is defined and x > 0 }} {{ not x is none }} {{ x is not string }} {{ 'a' if x is number else 'b' }}", {"x": 5}),
    # --- methods
    ("m_strip", "[{{ '  a  '.strip() }}][{{ '  a  '.lstrip() }}][{{ '  a  '.rstrip() }}][{{ 'xxaxx'.strip('x') }}][{{ '\\n\\nq\\n'.lstrip('\\n') }}][{{ 'ab中'.rstrip('中') }}]", {}),
    ("m_split", "{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a,b,c'.split(',', 1) }} {{ 'a,b,c'.rsplit(',', 1) }} {{ '  a b  c '.split(none, 1) }} {{ 'x</think>y</think>z'.split('</think>')[-1] }} {{ 'a\\nb'.splitlines() }}", {}),
    ("m_affix_find", "{{ 'hello'.startswith('he') }} {{ 'hello'.endswith(('x', 'lo')) }} {{ 'hello'.find('l') }} {{ 'hello'.rfind('l') }} {{ 'hello'.find('z') }} {{ '中文中'.find('文') }} {{ 'banana'.count('a') }}", {}),
    ("m_case_replace_join", "{{ 'aB'.upper() }} {{ 'aB'.lower() }} {{ 'ab cd'.title() }} {{ 'ab'.capitalize() }} {{ 'aaa'.replace('a', 'b', 2) }} {{ '-'.join(['x', 'y']) }} {{ '{} + {} = {x}'.format(1, 2, x=3) }} {{ '12'.isdigit() }} {{ 'a1'.isalpha() }}", {}),
    ("m_dict", "{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 0) }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|list }}", {"d": {"a": 1, "b": 2}}),
    # --- globals
    ("g_range", "{{ range(3)|list }} {{ range(1, 10, 3)|list }} {{ range(5, 0, -2)|list }} {{ range(0)|list }}", {}),
    ("g_dict_namespace", "{{ dict(a=1, b='x') }} {{ namespace(a=1).a }}", {}),
    ("g_strftime_now", "{{ strftime_now('%d %b %Y') }} {{ strftime_now('%Y-%m-%d %H:%M') }}", {}),
    # --- undefined semantics
    ("undefined_semantics", "[{{ nope }}] {{ nope|default('d') }} {{ nope is defined }} {{ nope|length }} {{ nope == nope }} {{ not nope }} {{ nope|string|length }} [{{ nope|trim }}] {{ 'x' in nope }}", {}),
    ("undefined_attr_of_missing_key", "{{ d.missing is defined }} {{ d.s.x is defined }} {{ d.n.x is defined }}", {"d": {"s": "str", "n": None}}),
    # --- raise_exception
    ("raise_exception", "a{{ raise_exception('Bad role: ' ~ role) }}b", {"role": "x"}),
]


def main():
    out = []
    for name, src, ctx in CASES:
        case = {"name": name, "template": src, "context": ctx}
        try:
            case["expected"] = env.from_string(src).render(**ctx)
        except TemplateError as e:
            case["error"] = f"TemplateError: {e}"
        except Exception as e:
            raise SystemExit(f"{name}: {type(e).__name__}: {e}")
        out.append(case)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jinja_cases.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(out)} cases to {path}")


if __name__ == "__main__":
    main()
