// The code the test types into new cells, per kernel. The jbox cells use the magics of issue 4;
// the python3 cells do the same things with ipykernel so that the harness is proven without jbox.
'use strict';

const TICKS = 'for i in $(seq 1 12); do echo tick-$i; sleep 0.5; done';
const FOREVER = 'while true; do sleep 1; done';

function jbox(marker) {
  return {
    setup: null,
    // %bg passes the rest of the line to bash -c verbatim.
    background: `%bg --name e2etick ${TICKS}`,
    marker: `%bg --name e2emarker bash -c '${FOREVER}' ${marker}`,
    ps: '%ps',
    endless: 'while (true) {}',
    afterInterrupt: '6 * 7',
    meanwhile: 'Thread.sleep(1500)',
    failingSh: '%sh ls /nonexistent-e2e-dir',
    exitZero: /exit(\s*code)?\s*[:=]?\s*0\b/i,
    interruptError: /interrupt/i,
    shError: /exit code 2\b/,
  };
}

// ipykernel stand-ins: a background process whose output a thread prints into the cell and whose
// status is a display updated by display_id; a process table as HTML.
function python3(marker) {
  const ps = [
    'from IPython.display import HTML',
    "def _state(p): return 'RUNNING' if p.poll() is None else ('COMPLETED' if p.returncode == 0 else 'FAILED')",
    "_rows = ''.join(f'<tr><td>{n}</td><td>{p.pid}</td><td>{_state(p)}</td><td>{\"\" if p.poll() is None else p.returncode}</td></tr>'",
    "                for n, p in globals().get('_jobs', {}).items())",
    "HTML(f'<table><thead><tr><th>id</th><th>pid</th><th>state</th><th>exit code</th></tr></thead><tbody>{_rows}</tbody></table>')",
  ].join('\n');
  return {
    setup: [
      'import ctypes, signal, subprocess, threading',
      '_libc = ctypes.CDLL(None)',
      '# own session: the kernel\'s SIGINT (interrupt) must not reach it; parent-death signal: a restart must end it',
      'def _detach(): _libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG',
      'from IPython.display import display',
      '_jobs = {}',
      '_kernel = get_ipython().kernel',
      'def _bg(name, script, *args):',
      "    p = subprocess.Popen(['bash', '-c', script, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,",
      '                         start_new_session=True, preexec_fn=_detach)',
      '    _jobs[name] = p',
      "    panel = display({'text/plain': f'{name} RUNNING pid {p.pid}'}, raw=True, display_id=True)",
      '    origin = _kernel.get_parent()  # output goes to the cell that started it, as jbox does',
      '    def pump():',
      '        for line in p.stdout:',
      "            _kernel.session.send(_kernel.iopub_socket, 'stream', {'name': 'stdout', 'text': line},",
      "                                 parent=origin, ident=_kernel._topic('stream'))",
      '        code = p.wait()',
      "        panel.update({'text/plain': f\"{name} {'COMPLETED' if code == 0 else 'FAILED'} exit code {code}\"}, raw=True)",
      '    threading.Thread(target=pump, daemon=True).start()',
    ].join('\n'),
    background: `_bg('e2etick', '${TICKS}')`,
    marker: `_bg('e2emarker', '${FOREVER}', '${marker}')`,
    ps,
    endless: 'while True: pass',
    afterInterrupt: '6 * 7',
    meanwhile: 'import time; time.sleep(1.5)',
    failingSh: '%%bash\nls /nonexistent-e2e-dir',
    exitZero: /exit(\s*code)?\s*[:=]?\s*0\b/i,
    interruptError: /KeyboardInterrupt/,
    shError: /exit status 2/,
  };
}

function cellsFor(mode, marker) {
  if (mode === 'jbox') return jbox(marker);
  if (mode === 'python3') return python3(marker);
  throw new Error(`unknown E2E_MODE ${mode}`);
}

module.exports = { cellsFor };
