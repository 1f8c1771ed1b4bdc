/// The dashboard's stylesheet and script, compiled into the binary: farms are often offline,
/// so nothing is fetched from a CDN. Plain JavaScript, no framework.
enum DashboardAssets {
    static let style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d1f23; background: #f6f7f9; }
        header { display: flex; gap: 1em; align-items: center; padding: .5em 1em; background: #22262e; color: #eee; flex-wrap: wrap; }
        header a { color: #9cc3ff; margin-right: .8em; }
        main { padding: 0 1em 2em; }
        table { border-collapse: collapse; width: 100%; background: #fff; margin: .5em 0 1em; }
        th, td { padding: .3em .5em; border-bottom: 1px solid #e3e5e8; text-align: left; vertical-align: middle; }
        th { background: #eceef1; font-weight: 600; }
        .muted { color: #777; }
        header .muted { color: #aaa; }
        .error { color: #b00020; }
        code, .copy { font-family: ui-monospace, monospace; font-size: 12px; }
        input.copy { width: 100%; min-width: 30em; }
        .state, .chip { display: inline-block; padding: 0 .5em; border-radius: .8em; background: #ddd; font-size: 12px; }
        .queued, .waiting, .ready { background: #e2e6ea; }
        .running, .leased, .busy { background: #cfe3ff; }
        .done, .idle { background: #cdeccd; }
        .failed { background: #f8c9cf; }
        .cancelled, .drained, .offline { background: #e8dcc4; }
        .draining { background: #fbe6a6; }
        .seam { padding: 0 .3em; border-radius: .3em; }
        .seam.good { background: #cdeccd; } .seam.warn { background: #fbe6a6; } .seam.bad { background: #f8c9cf; }
        progress { width: 8em; vertical-align: middle; }
        .graph { display: flex; align-items: center; gap: .5em; flex-wrap: wrap; }
        .stage { display: flex; flex-direction: column; gap: .2em; padding: .4em; background: #fff; border: 1px solid #e3e5e8; border-radius: .3em; }
        .arrow { font-size: 20px; color: #888; }
        td.axis, th.axis { width: 40%; }
        .lane { position: relative; height: 14px; background: #f0f1f3; border-radius: 3px; }
        .bar { position: absolute; top: 1px; height: 12px; border-radius: 2px; background: #7aa7e8; }
        .bar.done { background: #59b35f; } .bar.running { background: #4b8be0; } .bar.retried, .bar.failed { background: #d9534f; }
        .bar.requeued { background: #e0a03a; } .bar.cancelled { background: #a08a64; }
        .thumbs { display: flex; gap: .5em; flex-wrap: wrap; }
        img.thumb { max-width: 240px; border: 1px solid #ccc; background: #333; }
        img.contact { max-width: 100%; }
        pre.report { max-height: 30em; overflow: auto; background: #fff; padding: .5em; }
        button { cursor: pointer; }
        button.danger { color: #b00020; }
        input.priority { width: 5em; } span.priority { white-space: nowrap; }
        #action-result { color: #ffd479; }
        """

    static let script = """
        'use strict';
        (function () {
          const main = document.getElementById('live');
          const status = document.getElementById('live-status');
          const result = document.getElementById('action-result');
          const images = new Map();
          let lastHTML = null;
          let refreshing = false, again = false;
          const token = () => sessionStorage.getItem('scenefarm-token') || '';
          const auth = () => token() ? { 'Authorization': 'Bearer ' + token() } : {};
          const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

          document.getElementById('token-form').addEventListener('submit', (event) => {
            event.preventDefault();
            const input = document.getElementById('token');
            sessionStorage.setItem('scenefarm-token', input.value.trim());
            input.value = '';
            result.textContent = 'token set for this tab';
            refresh();
          });

          // Images come through fetch too, so they load with the token when reads need one.
          async function loadImages() {
            await Promise.all([...main.querySelectorAll('img[data-src]')].map(async (img) => {
              const source = img.dataset.src;
              if (images.has(source)) { img.src = images.get(source); return; }
              try {
                const response = await fetch(source, { headers: auth() });
                if (!response.ok) return;
                const url = URL.createObjectURL(await response.blob());
                images.set(source, url);
                img.src = url;
              } catch (e) { /* the next update tries again */ }
            }));
          }

          async function refresh() {
            if (refreshing) { again = true; return; }
            refreshing = true;
            try {
              do {
                again = false;
                const response = await fetch(main.dataset.fragment, { headers: auth(), cache: 'no-store' });
                if (!response.ok) { status.textContent = 'update failed: HTTP ' + response.status; continue; }
                const html = await response.text();
                // Not while a priority is being typed: the field would be replaced under the cursor.
                const editing = document.activeElement && document.activeElement.matches && document.activeElement.matches('input.priority');
                if (html !== lastHTML && !editing) {
                  lastHTML = html;
                  const open = new Set([...main.querySelectorAll('details[open]')].map((d) => d.textContent.slice(0, 40)));
                  main.innerHTML = html;
                  for (const d of main.querySelectorAll('details')) if (open.has(d.textContent.slice(0, 40))) d.open = true;
                }
                await loadImages();
              } while (again);
            } catch (e) {
              status.textContent = 'update failed';
            } finally {
              refreshing = false;
            }
          }

          document.addEventListener('click', async (event) => {
            const copy = event.target.closest('button[data-copy]');
            if (copy) {
              const field = copy.closest('tr').querySelector('input.copy');
              field.select();
              try { await navigator.clipboard.writeText(field.value); result.textContent = 'copied'; } catch (e) { document.execCommand('copy'); }
              return;
            }
            const button = event.target.closest('button[data-action]');
            if (!button) return;
            button.disabled = true;
            // A priority button sends the number from the field beside it.
            const field = button.dataset.priority !== undefined ? button.parentElement.querySelector('input.priority') : null;
            const init = { method: 'POST', headers: auth() };
            if (field) {
              init.headers = Object.assign({ 'Content-Type': 'application/json' }, auth());
              init.body = JSON.stringify({ priority: Number(field.value) });
            }
            try {
              const response = await fetch(button.dataset.action, init);
              const body = await response.json().catch(() => ({}));
              result.textContent = response.ok ? (body.message || 'done') : ('refused: ' + (body.message || response.status));
            } catch (e) {
              result.textContent = 'request failed';
            }
            refresh();
          });

          // Server-Sent Events read with fetch, so the token can go in a header.
          async function listen() {
            for (;;) {
              try {
                const response = await fetch('/api/v1/events', { headers: auth(), cache: 'no-store' });
                if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
                status.textContent = 'live';
                const reader = response.body.getReader();
                const decoder = new TextDecoder();
                let buffer = '';
                for (;;) {
                  const { value, done } = await reader.read();
                  if (done) break;
                  buffer += decoder.decode(value, { stream: true });
                  let end;
                  while ((end = buffer.indexOf('\\n\\n')) >= 0) {
                    const event = buffer.slice(0, end);
                    buffer = buffer.slice(end + 2);
                    if (/^event: update$/m.test(event)) refresh();
                  }
                }
              } catch (e) {
                // Fall back to polling until the stream comes back.
                status.textContent = 'polling';
                await refresh();
              }
              await sleep(1000);
            }
          }

          refresh();
          listen();
        })();
        """
}
