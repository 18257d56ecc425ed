"""Extracts conformance cases for the embedded Step Functions endpoint from a LocalStack checkout.

Usage (from the repository root; the LocalStack checkout may be a bare git dir):
  rm -rf src/infra/local-step-functions/conformance/cases
  python3 src/infra/local-step-functions/conformance/extract-cases.py <localstack git dir> \
      src/infra/local-step-functions/conformance/cases
  npx biome format --write src/infra/local-step-functions/conformance/cases

Writes one small JSON file per case: the definition (LocalStack's template, with the test's own edits),
the input, and the history recorded on AWS reduced to what the conformance test compares, with the
source path, commit, recording date and last validation date against AWS. No LocalStack code is copied.
Which tests are taken, and why others are not, is listed below and in ../README.md.
"""
import json, re, subprocess, sys, os

D, OUT = sys.argv[1], sys.argv[2]
COMMIT = subprocess.run(['git', '-C', D, 'rev-parse', 'HEAD'], capture_output=True, text=True).stdout.strip()
V2 = 'tests/aws/services/stepfunctions/v2/'
T = 'tests/aws/services/stepfunctions/templates/'

def show(path):
    r = subprocess.run(['git', '-C', D, 'show', f'HEAD:{path}'], capture_output=True, text=True)
    if r.returncode != 0: raise SystemExit(f'missing {path}')
    return r.stdout

def json5(text):
    # The templates are JSON with comments and trailing commas.
    out, i, s = [], 0, text
    in_str = False
    while i < len(s):
        c = s[i]
        if in_str:
            out.append(c)
            if c == '\\': out.append(s[i + 1]); i += 1
            elif c == '"': in_str = False
        elif c == '"': in_str = True; out.append(c)
        elif s.startswith('//', i):
            while i < len(s) and s[i] != '\n': i += 1
            continue
        elif s.startswith('/*', i):
            i = s.index('*/', i) + 2; continue
        else: out.append(c)
        i += 1
    return json.loads(re.sub(r',(\s*[}\]])', r'\1', ''.join(out)))

_snap, _valid = {}, {}
def snapshot(f):
    if f not in _snap:
        _snap[f] = json.loads(show(V2 + f + '.snapshot.json'))
        try: _valid[f] = json.loads(show(V2 + f + '.validation.json'))
        except SystemExit: _valid[f] = {}
    return _snap[f], _valid[f]

def parse_maybe(v):
    if isinstance(v, str):
        try: return json.loads(v)
        except ValueError: return v
    return v

def reduce_event(e):
    r = {'id': e['id'], 'previousEventId': e['previousEventId'], 'type': e['type']}
    for k, v in e.items():
        if not k.endswith('EventDetails'): continue
        if 'name' in v: r['name'] = v['name']
        if 'index' in v: r['index'] = v['index']
        if 'length' in v: r['length'] = v['length']
        if k in ('executionFailedEventDetails', 'activityFailedEventDetails'):
            for f in ('error', 'cause'):
                if f in v: r[f] = v[f]
    return r

def case(cid, file, test, template, input=None, hist='get_execution_history', patch=None, workers=None, note=None, substitute=None):
    snap, valid = snapshot(file)
    key = f'{V2}{file}.py::{test}'
    if key not in snap: raise SystemExit(f'no snapshot {key}')
    rec = snap[key]
    events = rec['recorded-content'][hist]['events']
    if substitute:
        text = json.dumps(events)
        for k, v in substitute.items(): text = text.replace(k, v)
        events = json.loads(text)
    definition = json5(show(T + template))
    if patch: patch(definition)
    started = events[0]['executionStartedEventDetails']
    given = started['input'] if input is None else input
    input_text = given if isinstance(given, str) else json.dumps(given)
    last = events[-1]
    status = {'ExecutionSucceeded': 'SUCCEEDED', 'ExecutionFailed': 'FAILED', 'ExecutionTimedOut': 'TIMED_OUT'}[last['type']]
    expected = {'status': status}
    if status == 'SUCCEEDED': expected['output'] = parse_maybe(last['executionSucceededEventDetails']['output'])
    if status == 'FAILED':
        d = last['executionFailedEventDetails']
        for f in ('error', 'cause'):
            if f in d: expected[f] = d[f]
    expected['events'] = [reduce_event(e) for e in events]
    doc = {
        'id': cid,
        'source': {
            'repository': 'localstack/localstack', 'commit': COMMIT,
            'snapshot': f'{V2}{file}.snapshot.json', 'test': key, 'history': hist,
            'template': T + template,
            'recordedDate': rec.get('recorded-date'),
            'lastValidatedAgainstAws': valid.get(key, {}).get('last_validated_date'),
        },
        'definition': definition, 'input': input_text, 'expected': expected,
    }
    if workers: doc['workers'] = workers
    if note: doc['note'] = note
    # One line per event keeps the files small and diffs readable.
    text = json.dumps(doc, indent=1, ensure_ascii=False)
    events_text = ',\n'.join('   ' + json.dumps(e, ensure_ascii=False) for e in expected['events'])
    text = text.replace(json.dumps(expected['events'], indent=1, ensure_ascii=False).replace('\n', '\n  '), '[\n' + events_text + '\n  ]')
    with open(os.path.join(OUT, cid + '.json'), 'w') as fh:
        fh.write(text + '\n')

def set_path(*path_and_value):
    *path, value = path_and_value
    def apply(d):
        cur = d
        for p in path[:-1]: cur = cur[p]
        cur[path[-1]] = value
    return apply

S = 'scenarios/test_base_scenarios'
SC = 'TestBaseScenarios::'
ST = 'scenarios/statemachines/'
for name, tpl in [
    ('map_state', 'map_state'), ('map_state_break_condition', 'map_state_break_condition'),
    ('map_state_catch', 'map_state_catch'), ('map_state_retry', 'map_state_retry'),
    ('map_state_item_selector_singleton', 'map_state_item_selector_singletons'),
    ('map_state_legacy', 'map_state_legacy'), ('map_state_parameters_legacy', 'map_state_parameters_legacy'),
    ('map_state_parameters_singleton_legacy', 'map_state_parameters_singletons_legacy'),
    ('map_state_catch_legacy', 'map_state_catch_legacy'), ('map_state_retry_legacy', 'map_state_retry_legacy'),
    ('map_state_retry_multiple_retriers', 'map_state_retry_multiple_retriers'),
    ('map_state_catch_empty_fail', 'map_state_catch_empty_fail'),
    ('map_state_no_processor_config', 'map_state_no_processor_config'),
    ('map_state_break_condition_legacy', 'map_state_break_condition_legacy'),
    ('map_state_nested', 'map_state_nested'),
    ('map_state_config_inline_parameters', 'map_state_config_inline_parameters'),
    ('map_state_item_selector_parameters', 'map_state_item_selector_parameters'),
    ('parallel_state_order', 'parallel_state_order'), ('parallel_state_fail', 'parallel_state_fail'),
    ('parallel_state_catch', 'parallel_state_catch'), ('parallel_state_retry', 'parallel_state_retry'),
]:
    case(f'scenarios-{name}'.replace('_', '-'), S, SC + 'test_' + name, ST + tpl + '.json5')

# Map and Parallel scenarios with parameters.
case('scenarios-max-concurrency-path-1', S, SC + 'test_max_concurrency_path[1]', ST + 'max_concurrency_path.json5')
case('scenarios-max-concurrency-path-0', S, SC + 'test_max_concurrency_path[0]', ST + 'max_concurrency_path.json5')
case('scenarios-map-state-item-selector', S, SC + 'test_map_state_item_selector[MAP_STATE_ITEM_SELECTOR]', ST + 'map_state_item_selector.json5')
case('scenarios-choice-aws-docs', S, SC + 'test_choice_aws_docs_scenario[CHOICE_STATE_AWS_SCENARIO]', ST + 'choice_state_aws_scenario.json5')
case('scenarios-choice-singleton-composite', S, SC + 'test_choice_singleton_composite[CHOICE_STATE_SINGLETON_COMPOSITE]', ST + 'choice_state_singleton_composite.json5')
case('scenarios-choice-unsorted-positive', S, SC + 'test_choice_unsorted_parameters_positive[CHOICE_STATE_UNSORTED_CHOICE_PARAMETERS]', ST + 'choice_state_unsorted_choice_parameters.json5')
case('scenarios-choice-unsorted-negative', S, SC + 'test_choice_unsorted_parameters_negative[CHOICE_STATE_UNSORTED_CHOICE_PARAMETERS]', ST + 'choice_state_unsorted_choice_parameters.json5')
case('scenarios-invalid-jsonpath-in-causepath', S, SC + 'test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_CAUSEPATH]', ST + 'invalid_jsonpath_in_causepath.json5')
case('scenarios-invalid-jsonpath-in-errorpath', S, SC + 'test_invalid_jsonpath[INVALID_JSONPATH_IN_ERRORPATH]', ST + 'invalid_jsonpath_in_errorpath.json5')
case('scenarios-invalid-jsonpath-in-inputpath', S, SC + 'test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_INPUTPATH]', ST + 'invalid_jsonpath_in_inputpath.json5')
case('scenarios-invalid-jsonpath-in-outputpath', S, SC + 'test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_OUTPUTPATH]', ST + 'invalid_jsonpath_in_outputpath.json5')

# Base: Pass, Fail, JSONPath.
B, BC, BT = 'base/test_base', 'TestSnfBase::', 'base/statemachines/'
case('base-state-fail', B, BC + 'test_state_fail', BT + 'raise_failure.json5')
case('base-state-fail-path', B, BC + 'test_state_fail_path', BT + 'raise_failure_path.json5')
case('base-state-fail-intrinsic', B, BC + 'test_state_fail_intrinsic', BT + 'raise_failure_path_intrinsic.json5')
case('base-state-fail-empty', B, BC + 'test_state_fail_empty', BT + 'raise_empty_failure.json5')
case('base-state-pass-result', B, BC + 'test_state_pass_result', BT + 'pass_result.json5')
case('base-state-pass-result-jsonpaths', B, BC + 'test_state_pass_result_jsonpaths', BT + 'pass_result.json5',
     patch=set_path('States', 'State_1', 'Result', {'unsupported1.$': '$.jsonpath', 'unsupported2.$': '$$'}))
case('base-decl-version-1-0', B, BC + 'test_decl_version_1_0', BT + 'decl_version_1_0.json5')
case('base-pass-null-input-output-paths', B, BC + 'test_state_pass_result_null_input_output_paths', BT + 'pass_result_null_input_output_paths.json5')
case('base-pass-regex-json-path-base', B, BC + 'test_state_pass_regex_json_path_base', BT + 'pass_result_regex_json_path_base.json5')
for i, p in enumerate(['$.items[0]', '$.items[10]']):
    case(f'base-json-path-array-access-{i}', B, BC + f'test_json_path_array_access[{p}]', BT + 'json_path_array_access.json5',
         patch=set_path('States', 'EntryState', 'Parameters', 'item.$', p))
for i, p in enumerate(['$[*]', '$.items[*]', '$.items[1:]', '$.items[:1]', '$.item.items[*]', '$.item.items[1:5]', '$.items[*].itemValue', '$.items[1:].itemValue']):
    case(f'base-json-path-wildcard-or-slice-no-input-{i}', B, BC + f'test_json_path_array_wildcard_or_slice_with_no_input[{p}]', BT + 'json_path_array_access.json5',
         patch=set_path('States', 'EntryState', 'Parameters', 'item.$', p))

# Wait.
W, WC = 'base/test_wait', 'TestSfnWait::'
for suffix, label in [('Z', 'z'), ('.000000Z', 'micro-z'), ('', 'no-z'), ('.000000', 'micro-no-z')]:
    ts = '2024-03-01T10:00:00' + suffix
    case(f'wait-timestamppath-{label}', W, WC + f'test_wait_timestamppath[{suffix}]', BT + 'wait_timestamp_path.json5',
         input=json.dumps({'start_at': ts}), substitute={'<timestamp>': ts})
for v, label in [('0', '0'), ('1', '1'), ('-1', 'minus-1'), ('1.5', '1-5')]:
    case(f'wait-seconds-path-{label}', W, WC + f'test_base_wait_seconds_path[{v}]', BT + 'wait_seconds_path.json5')

# Intrinsic functions (one execution each).
I = 'intrinsic_functions/'
IT = 'intrinsicfunctions/statemachines/'
for cid, file, test, tpl, resp in [
    ('intrinsic-format-1-a', 'test_generic', 'TestGeneric::test_format_1', 'generic/format_1', 0),
    ('intrinsic-format-1-b', 'test_generic', 'TestGeneric::test_format_1', 'generic/format_1', 5),
    ('intrinsic-format-2', 'test_generic', 'TestGeneric::test_format_2', 'generic/format_2', 0),
    ('intrinsic-array-partition', 'test_array', 'TestArray::test_array_partition', 'array/array_partition', 12),
    ('intrinsic-array-contains', 'test_array', 'TestArray::test_array_contains', 'array/array_contains', 0),
    ('intrinsic-array-range', 'test_array', 'TestArray::test_array_range', 'array/array_range', 0),
    # LocalStack's test_array_unique runs ARRAY_LENGTH (test_array.py), so the recording is States.ArrayLength.
    ('intrinsic-array-length-duplicates', 'test_array', 'TestArray::test_array_unique', 'array/array_length', 0),
    ('intrinsic-json-merge', 'test_json_manipulation', 'TestJsonManipulation::test_json_merge', 'json_manipulation/json_merge', 0),
    ('intrinsic-string-to-json', 'test_json_manipulation', 'TestJsonManipulation::test_string_to_json', 'json_manipulation/string_to_json', 0),
    ('intrinsic-math-add', 'test_math_operations', 'TestMathOperations::test_math_add', 'math_operations/math_add', 0),
    ('intrinsic-string-split', 'test_string_operations', 'TestStringOperations::test_string_split', 'string_operations/string_split', 0),
    ('intrinsic-hash', 'test_hash_calculations', 'TestHashCalculations::test_hash', 'hash_calculations/hash', 0),
    ('intrinsic-base64-encode', 'test_encode_decode', 'TestEncodeDecode::test_base_64_encode', 'encode_decode/base64encode', 0),
]:
    case(cid, I + file, test, IT + tpl + '.json5', hist=f'exec_hist_resp_{resp}')

# Activities: `activity_arn` stands for an activity the test creates; `workers` says what its worker does.
A, AC, AT = 'activities/test_activities', 'TestActivities::', 'activities/statemachines/'
res = set_path('States', 'ActivityTask', 'Resource', 'activity_arn')
case('activities-task', A, AC + 'test_activity_task', AT + 'base_activity_task.json5', patch=res,
     workers={'answer': 'echo', 'workerName': 'BASE_ID_ACTIVITY_CONSUMER'})
case('activities-task-no-worker-name', A, AC + 'test_activity_task_no_worker_name', AT + 'base_activity_task.json5', patch=res,
     workers={'answer': 'echo'})
case('activities-task-failure', A, AC + 'test_activity_task_failure', AT + 'base_activity_task.json5', patch=res,
     workers={'answer': 'fail', 'error': 'Programmatic Error', 'workerName': 'BASE_ID_ACTIVITY_CONSUMER'})
case('activities-task-on-deleted', A, AC + 'test_activity_task_on_deleted', AT + 'base_activity_task.json5', patch=res,
     workers={'answer': 'deleted'})
def timeout_1(d):
    d['States']['ActivityTask']['Resource'] = 'activity_arn'
    d['States']['ActivityTask']['TimeoutSeconds'] = 1
case('activities-task-start-timeout', A, AC + 'test_activity_task_start_timeout', AT + 'base_activity_task_timeout.json5', patch=timeout_1,
     workers={'answer': 'hold', 'workerName': 'BASE_ID_ACTIVITY_CONSUMER'},
     note='TimeoutSeconds 5 shortened to 1 to keep the suite fast; the history does not depend on it.')
