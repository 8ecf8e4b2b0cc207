/*
 * つなぐ /admin/ — the pages of coordinators and registered groups.
 *
 * Plain JavaScript, no build step.  The token is kept in sessionStorage
 * and sent in an Authorization header (never a cookie: no CSRF).  Text
 * from postings is put on the page with textContent only; the published
 * HTML of a posting is rebuilt element by element from an allowlist, so
 * nothing it carries can run (the Content-Security-Policy forbids inline
 * script as a second line of defence).
 */
'use strict';

(function () {
  const TOKEN_KEY = 'tsunagu.token';
  const API = '/api/v1';

  const CATEGORIES = [
    ['', '（選ばない）'], ['welfare', '福祉'], ['children', '子ども'],
    ['elderly', '高齢者'], ['disability', '障がい'], ['environment', '環境'],
    ['disaster', '災害・防災'], ['community', '地域・まちづくり'],
    ['education', '教育'], ['culture', '文化・芸術'], ['sports', 'スポーツ'],
    ['international', '国際交流'], ['health', '健康・医療'], ['other', 'その他']
  ];
  const STATES = {
    pending: '承認待ち', published: '公開中', rejected: '却下'
  };
  const ACTIONS = {
    submit: '投稿', edit: '編集', withdraw: '取り下げ', approve: '承認',
    reject: '却下', resubmit: '再申請'
  };
  const FIELD_NAMES = {
    title: 'タイトル', start: '開始', end: '終了', all_day: '終日', deadline: '申込締切',
    place: '場所', address: '住所', area: '地域コード', category: '分野', summary: '概要',
    content_html: '詳しい内容', url: 'URL', contact: '問い合わせ先', fee: '参加費',
    capacity: '定員', organizer: '主催', recurrence: '繰り返し', status: '状態',
    lat: '緯度', lon: '経度'
  };
  const ROLES = {
    admin: '管理者', coordinator: 'コーディネーター', group: '登録団体',
    subscriber: '受信者'
  };

  const state = { token: null, role: null, organization: null, tokenId: null };

  /* --- small DOM helpers: text only, never markup ------------------- */

  function $(id) { return document.getElementById(id); }

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key === 'on') {
          for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
        } else if (key === 'hidden' || key === 'required' || key === 'disabled') {
          node[key] = Boolean(value);
        } else node.setAttribute(key, String(value));
      }
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function say(message, isError) {
    const s = $('status');
    s.textContent = message;
    s.classList.toggle('is-error', Boolean(isError));
  }

  /* --- the API ------------------------------------------------------- */

  async function api(method, path, body) {
    const headers = {
      Authorization: 'Bearer ' + state.token,
      Accept: 'application/json'
    };
    const init = {
      method, headers, credentials: 'omit', cache: 'no-store',
      referrerPolicy: 'no-referrer'
    };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(API + path, init);
    } catch (e) {
      return { status: 0, doc: { error: 'サーバーに接続できませんでした。' } };
    }
    let doc = null;
    if ((res.headers.get('Content-Type') || '').startsWith('application/json')) {
      try { doc = await res.json(); } catch (e) { doc = null; }
    }
    if (res.status === 401 && state.token && path !== '') {
      signOut('トークンが無効になりました。もう一度サインインしてください。', true);
    }
    return { status: res.status, doc, res };
  }

  function errorText(r) {
    if (r.status === 0) return r.doc.error;
    if (r.status === 403) return 'この操作は許可されていません。';
    if (r.status === 404) return '投稿が見つかりません。';
    if (r.status === 429) return '操作が多すぎます。少し待ってからやり直してください。';
    return (r.doc && r.doc.error ? r.doc.error : 'エラーが起きました') +
      '（HTTP ' + r.status + '）';
  }

  /* --- dates in Japan time ------------------------------------------ */

  const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

  function jstParts(value) {
    if (!value) return null;
    if (DAY.test(value)) return { date: value, time: '' };
    const t = Date.parse(value);
    if (Number.isNaN(t)) return null;
    const iso = new Date(t + 9 * 3600 * 1000).toISOString();
    return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
  }

  function formatDate(value) {
    const p = jstParts(value);
    if (!p) return value || '';
    const [y, m, d] = p.date.split('-').map(Number);
    const wd = '日月火水木金土'[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
    let s = y + '年' + m + '月' + d + '日（' + wd + '）';
    if (p.time) s += ' ' + String(Number(p.time.slice(0, 2))) + ':' + p.time.slice(3, 5);
    return s;
  }

  function formatSpan(start, end) {
    if (!start) return '';
    if (!end) return formatDate(start);
    const a = jstParts(start), b = jstParts(end);
    if (a && b && a.date === b.date && b.time) {
      return formatDate(start) + '〜' + String(Number(b.time.slice(0, 2))) + ':' + b.time.slice(3, 5);
    }
    return formatDate(start) + ' 〜 ' + formatDate(end);
  }

  /* --- a posting's HTML, rebuilt from an allowlist ------------------- */

  const ALLOWED = new Set(['P', 'BR', 'UL', 'OL', 'LI', 'STRONG', 'EM', 'B', 'I',
    'A', 'BLOCKQUOTE', 'H3', 'H4', 'H5', 'H6', 'DL', 'DT', 'DD']);
  const DROPPED = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED',
    'TEMPLATE', 'NOSCRIPT', 'SVG', 'MATH', 'TITLE', 'HEAD']);

  function safeUrl(href) {
    try {
      const u = new URL(href, 'https://invalid.example/');
      return (u.protocol === 'http:' || u.protocol === 'https:') &&
        u.host !== 'invalid.example' ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function rebuild(from, into) {
    for (const node of Array.from(from.childNodes)) {
      if (node.nodeType === Node.TEXT_NODE) {
        into.append(document.createTextNode(node.nodeValue));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const tag = node.tagName.toUpperCase();
        if (DROPPED.has(tag)) continue;
        if (!ALLOWED.has(tag)) {
          rebuild(node, into);
          continue;
        }
        const copy = document.createElement(tag.toLowerCase());
        if (tag === 'A') {
          const href = safeUrl(node.getAttribute('href') || '');
          if (href) {
            copy.setAttribute('href', href);
            copy.setAttribute('rel', 'noopener noreferrer nofollow');
          }
        }
        rebuild(node, copy);
        into.append(copy);
      }
    }
  }

  /* DOMParser makes an inert document: nothing in it loads or runs. */
  function renderHtml(html) {
    const box = el('div', { class: 'content' });
    const doc = new DOMParser().parseFromString(html, 'text/html');
    rebuild(doc.body, box);
    return box;
  }

  function renderText(text) {
    const box = el('div', { class: 'content' });
    for (const para of String(text).split(/\n{2,}/)) {
      if (para.trim()) box.append(el('p', { text: para }));
    }
    return box;
  }

  function htmlToText(html) {
    if (!html) return '';
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const blocks = [];
    let line = '';
    (function walk(node) {
      for (const n of Array.from(node.childNodes)) {
        if (n.nodeType === Node.TEXT_NODE) line += n.nodeValue;
        else if (n.nodeType === Node.ELEMENT_NODE) {
          const tag = n.tagName.toUpperCase();
          if (DROPPED.has(tag)) continue;
          if (tag === 'BR') { line += '\n'; continue; }
          const block = /^(P|DIV|LI|H[1-6]|BLOCKQUOTE|DT|DD|TR)$/.test(tag);
          if (block && line.trim()) { blocks.push(line.trim()); line = ''; }
          walk(n);
          if (block && line.trim()) { blocks.push(line.trim()); line = ''; }
        }
      }
    })(doc.body);
    if (line.trim()) blocks.push(line.trim());
    return blocks.join('\n\n');
  }

  function escapeHtml(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;');
  }

  /* Plain text typed by a group: paragraphs of escaped text. */
  function textToHtml(text) {
    return text.split(/\n{2,}/).map((p) => p.trim()).filter(Boolean)
      .map((p) => '<p>' + escapeHtml(p).replace(/\n/g, '<br>') + '</p>').join('');
  }

  /* A posting as it will be published: its JSON Feed item. */
  function preview(item) {
    const t = item._tsunagu || {};
    const box = el('div', { class: 'preview' });
    box.append(el('h3', { text: item.title || t.title || '（タイトルなし）' }));
    const dl = el('dl');
    const row = (k, v) => { if (v) dl.append(el('dt', { text: k }), el('dd', { text: v })); };
    row('日時', formatSpan(t.start, t.end) + (t.all_day ? '（終日）' : ''));
    row('申込締切', t.deadline ? formatDate(t.deadline) : '');
    row('場所', [t.place, t.address].filter(Boolean).join(' '));
    row('地域コード', t.area);
    row('分野', (t.category || []).map(categoryName).join('、'));
    row('定員', t.capacity !== undefined && t.capacity !== null ? String(t.capacity) + '人' : '');
    row('参加費', t.fee);
    row('主催', t.organizer && t.organizer.name);
    if (t.contact) {
      row('問い合わせ', [t.contact.name, t.contact.phone, t.contact.email].filter(Boolean).join(' / '));
    }
    box.append(dl);
    if (item.summary) box.append(el('p', { class: 'summary', text: item.summary }));
    if (item.content_html) box.append(renderHtml(item.content_html));
    else if (item.content_text && item.content_text !== item.summary) box.append(renderText(item.content_text));
    const link = item.url && safeUrl(item.url);
    if (link) {
      box.append(el('p', null, '詳細: ', el('a', { href: link, rel: 'noopener noreferrer nofollow', text: link })));
    }
    return box;
  }

  function categoryName(code) {
    const c = CATEGORIES.find(([v]) => v === code);
    return c ? c[1] : code;
  }

  /* --- the posting form (a group's submission, anyone's edit) -------- */

  const FIELDS = [
    { name: 'title', label: 'タイトル', required: true, max: 200 },
    { name: 'start', label: '開始', kind: 'when', required: true,
      hint: '時刻を空にすると終日の催しになります。' },
    { name: 'end', label: '終了', kind: 'when' },
    { name: 'deadline', label: '申込締切', kind: 'when', hint: '開始より前の日時にしてください。' },
    { name: 'place', label: '場所', max: 200 },
    { name: 'address', label: '住所', max: 200 },
    { name: 'area', label: '地域コード', inputmode: 'numeric', max: 6,
      hint: '6桁の全国地方公共団体コード（刈谷市は 232106）' },
    { name: 'category', label: '分野', kind: 'select' },
    { name: 'summary', label: '概要', kind: 'textarea', max: 2000 },
    { name: 'content', label: '詳しい内容', kind: 'textarea', hint: '空行で段落を分けます。' },
    { name: 'url', label: '詳細ページの URL', type: 'url' },
    { name: 'contact_name', label: '問い合わせ先（名前）', max: 200 },
    { name: 'contact_phone', label: '問い合わせ先（電話）', type: 'tel', max: 200 },
    { name: 'contact_email', label: '問い合わせ先（メール）', type: 'email', max: 200 },
    { name: 'fee', label: '参加費', max: 100 },
    { name: 'capacity', label: '定員（人）', inputmode: 'numeric' }
  ];

  /* Where the server's "field" of a 400 is shown. */
  function fieldOf(serverField) {
    const f = String(serverField || '');
    if (f === 'content_html') return 'content';
    if (f === 'all_day') return 'start';
    if (f.startsWith('category')) return 'category';
    if (f.startsWith('contact.')) return 'contact_' + f.slice(8);
    if (f.startsWith('organizer')) return null;
    return FIELDS.some((d) => d.name === f) ? f : null;
  }

  function postingForm(prefix, submitLabel, onSubmit, onCancel) {
    const form = el('form', { class: 'posting-form', novalidate: 'novalidate' });
    const inputs = {};
    const formError = el('p', { class: 'error', id: prefix + '-form-error', role: 'alert' });
    form.append(formError);

    for (const f of FIELDS) {
      const errId = prefix + '-' + f.name + '-error';
      const hintId = f.hint ? prefix + '-' + f.name + '-hint' : null;
      const described = [hintId, errId].filter(Boolean).join(' ');
      const mark = f.required ? el('span', { class: 'req', text: '（必須）' }) : null;
      let wrap;
      if (f.kind === 'when') {
        const date = el('input', { id: prefix + '-' + f.name + '-date', type: 'date',
          'aria-describedby': described, required: f.required });
        const time = el('input', { id: prefix + '-' + f.name + '-time', type: 'time',
          'aria-describedby': described });
        inputs[f.name] = { date, time };
        wrap = el('fieldset', { class: 'field' },
          el('legend', null, f.label, mark),
          el('div', { class: 'pair' },
            el('div', null, el('label', { for: date.id, text: f.label + '日' }), date),
            el('div', null, el('label', { for: time.id, text: f.label + '時刻' }), time)));
      } else {
        let input;
        const id = prefix + '-' + f.name;
        if (f.kind === 'textarea') {
          input = el('textarea', { id, rows: 4, 'aria-describedby': described });
        } else if (f.kind === 'select') {
          input = el('select', { id, 'aria-describedby': described });
          for (const [v, label] of CATEGORIES) input.append(el('option', { value: v, text: label }));
        } else {
          input = el('input', { id, type: f.type || 'text', inputmode: f.inputmode,
            'aria-describedby': described, required: f.required,
            autocomplete: f.type === 'email' ? 'email' : f.type === 'tel' ? 'tel' : 'off' });
        }
        inputs[f.name] = input;
        wrap = el('div', { class: 'field' }, el('label', { for: id }, f.label, mark), input);
      }
      if (hintId) wrap.append(el('p', { class: 'hint', id: hintId, text: f.hint }));
      const error = el('p', { class: 'error', id: errId });
      wrap.append(error);
      /* A message about a field goes once the field is changed. */
      wrap.addEventListener('input', () => {
        error.textContent = '';
        for (const c of wrap.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
      });
      form.append(wrap);
    }

    const submit = el('button', { type: 'submit', text: submitLabel });
    const actions = el('div', { class: 'actions' }, submit);
    if (onCancel) {
      actions.append(el('button', { type: 'button', class: 'secondary', text: 'キャンセル',
        on: { click: onCancel } }));
    }
    form.append(actions);

    let initial = null;

    function controls(name) {
      const i = inputs[name];
      return i.date ? [i.date, i.time] : [i];
    }

    function clearErrors() {
      formError.textContent = '';
      for (const f of FIELDS) {
        $(prefix + '-' + f.name + '-error').textContent = '';
        for (const c of controls(f.name)) c.removeAttribute('aria-invalid');
      }
    }

    function showErrors(errors) {
      let first = null;
      for (const [name, message] of errors) {
        const target = name && inputs[name] ? name : null;
        if (!target) {
          formError.textContent = message;
          if (!first) first = submit;
          continue;
        }
        const box = $(prefix + '-' + target + '-error');
        if (!box.textContent) box.textContent = message;
        for (const c of controls(target)) c.setAttribute('aria-invalid', 'true');
        if (!first) first = controls(target)[0];
      }
      if (first) first.focus();
    }

    function when(name) {
      const { date, time } = inputs[name];
      if (!date.value) return null;
      if (!time.value) return date.value;
      const t = time.value.length === 5 ? time.value + ':00' : time.value;
      return date.value + 'T' + t + '+09:00';
    }

    function text(name) {
      const v = inputs[name].value.trim();
      return v === '' ? null : v;
    }

    /* What the form says, one value per field (null: empty). */
    function values() {
      const v = {};
      for (const f of FIELDS) v[f.name] = f.kind === 'when' ? when(f.name) : text(f.name);
      return v;
    }

    /* The checks a person can fix before sending; [field, message]. */
    function validate() {
      const errors = [];
      const v = values();
      for (const f of FIELDS) {
        if (f.required && v[f.name] === null) {
          errors.push([f.name, f.label + 'を入力してください。']);
        }
        if (f.max && v[f.name] && Array.from(v[f.name]).length > f.max) {
          errors.push([f.name, f.label + 'は ' + f.max + ' 文字以内にしてください。']);
        }
        if (f.kind === 'when' && !inputs[f.name].date.value && inputs[f.name].time.value) {
          errors.push([f.name, f.label + 'の日付も入力してください。']);
        }
      }
      const startTimed = Boolean(inputs.start.time.value);
      if (v.start && v.end) {
        const endTimed = Boolean(inputs.end.time.value);
        if (startTimed !== endTimed) {
          errors.push(['end', startTimed ? '開始に時刻があるので、終了の時刻も入力してください。'
            : '終日の催しです。終了の時刻は空にしてください。']);
        } else if (compare(v.end, v.start) < 0) {
          errors.push(['end', '終了は開始より後にしてください。']);
        }
      }
      if (v.start && v.deadline && compare(v.deadline, v.start) > 0) {
        errors.push(['deadline', '申込締切は開始より前にしてください（開始: ' + formatDate(v.start) + '）。']);
      }
      if (v.area && !/^\d{6}$/.test(v.area)) {
        errors.push(['area', '地域コードは 6 桁の数字です（刈谷市は 232106）。']);
      }
      if (v.url && !/^https?:\/\/[^\s/]+/i.test(v.url)) {
        errors.push(['url', 'URL は http:// か https:// で始めてください。']);
      }
      if (v.contact_email && !/^[^\s@]+@[^\s@]+$/.test(v.contact_email)) {
        errors.push(['contact_email', 'メールアドレスの形が正しくありません。']);
      }
      if (v.capacity && !/^\d{1,7}$/.test(v.capacity)) {
        errors.push(['capacity', '定員は 0 以上の整数で入力してください。']);
      }
      return errors;
    }

    /* Dates or times: a time against a date compares the days. */
    function compare(a, b) {
      if (a.length > 10 && b.length > 10) return Date.parse(a) - Date.parse(b);
      const da = a.slice(0, 10), db = b.slice(0, 10);
      return da < db ? -1 : da > db ? 1 : 0;
    }

    /* The request body; with initial values, only what changed. */
    function body() {
      const v = values();
      const out = {};
      const changed = (names) => !initial || names.some((n) => v[n] !== initial[n]);
      const put = (key, value) => {
        if (value !== null || initial) out[key] = value;
      };
      for (const name of ['title', 'start', 'end', 'deadline', 'place', 'address', 'area',
        'summary', 'url', 'fee']) {
        if (changed([name])) put(name, v[name]);
      }
      if (changed(['start'])) out.all_day = v.start !== null && v.start.length === 10;
      if (changed(['category'])) put('category', v.category ? [v.category] : null);
      if (changed(['content'])) put('content_html', v.content ? textToHtml(v.content) : null);
      if (changed(['capacity'])) put('capacity', v.capacity === null ? null : Number(v.capacity));
      if (changed(['contact_name', 'contact_phone', 'contact_email'])) {
        const c = {};
        if (v.contact_name) c.name = v.contact_name;
        if (v.contact_phone) c.phone = v.contact_phone;
        if (v.contact_email) c.email = v.contact_email;
        put('contact', Object.keys(c).length ? c : null);
      }
      return out;
    }

    /* Fills the form from a posting of the API (for an edit). */
    function load(p) {
      const setWhen = (name, value) => {
        const parts = jstParts(value);
        inputs[name].date.value = parts ? parts.date : '';
        inputs[name].time.value = parts ? parts.time : '';
      };
      inputs.title.value = p.title || '';
      setWhen('start', p.start);
      setWhen('end', p.end);
      setWhen('deadline', p.deadline);
      for (const name of ['place', 'address', 'area', 'summary', 'url', 'fee']) {
        inputs[name].value = p[name] || '';
      }
      inputs.category.value = (p.category && p.category[0]) || '';
      inputs.content.value = htmlToText(p.content_html);
      inputs.capacity.value = p.capacity !== undefined && p.capacity !== null ? String(p.capacity) : '';
      const c = p.contact || {};
      inputs.contact_name.value = c.name || '';
      inputs.contact_phone.value = c.phone || '';
      inputs.contact_email.value = c.email || '';
      initial = values();
    }

    function reset() {
      form.reset();
      initial = null;
      clearErrors();
    }

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors();
      const errors = validate();
      if (errors.length) {
        showErrors(errors);
        say('入力内容を確認してください。', true);
        return;
      }
      const b = body();
      if (initial && Object.keys(b).length === 0) {
        showErrors([[null, '変更された項目がありません。']]);
        return;
      }
      submit.disabled = true;
      try {
        const r = await onSubmit(b);
        if (r.status === 400 && r.doc) {
          const name = fieldOf(r.doc.field);
          const label = name ? FIELDS.find((d) => d.name === name).label : null;
          showErrors([[name, label ? label + 'を確認してください（サーバーの説明: ' +
            r.doc.error + '）' : r.doc.error]]);
          say('サーバーが入力内容を受け付けませんでした。項目の説明を確認してください。', true);
        } else if (r.status < 200 || r.status >= 300) {
          showErrors([[null, errorText(r)]]);
          say(errorText(r), true);
        }
      } finally {
        submit.disabled = false;
      }
    });

    return { form, load, reset, inputs };
  }

  /* --- coordinators: the queue --------------------------------------- */

  async function loadQueue() {
    const r = await api('GET', '/moderation?limit=100');
    const list = $('queue');
    clear(list);
    if (r.status !== 200) {
      say('承認待ちの一覧を読めませんでした: ' + errorText(r), true);
      return;
    }
    $('queue-count').textContent = '（' + r.doc.total + ' 件）';
    $('queue-empty').hidden = r.doc.queue.length > 0;
    for (const p of r.doc.queue) list.append(queueCard(p));
  }

  function origin(p) {
    if (p.submitted_by) return '投稿した団体: ' + p.submitted_by;
    const s = (p.sources || [])[0];
    return s ? '情報源: ' + s.source : '';
  }

  function queueCard(p) {
    const li = el('li', { class: 'card', 'data-id': p.id });
    const headingId = 'q-' + p.id + '-h';
    li.setAttribute('aria-labelledby', headingId);
    const view = preview(p.feed_item || {});
    view.querySelector('h3').id = headingId;
    li.append(el('p', { class: 'meta' }, origin(p) + '　受付: ' + formatDate(p.waiting_since)));
    li.append(view);
    const panel = el('div', { class: 'panel', hidden: true });
    const title = p.title || '';
    const approve = el('button', { type: 'button', class: 'ok', text: '承認して公開',
      'aria-describedby': headingId });
    const reject = el('button', { type: 'button', class: 'danger', text: '却下…',
      'aria-describedby': headingId });
    const edit = el('button', { type: 'button', class: 'secondary', text: '編集…',
      'aria-describedby': headingId });
    approve.addEventListener('click', () => decide(p.id, title, 'approve', null, approve));
    reject.addEventListener('click', () => openReject(p, panel, reject));
    edit.addEventListener('click', () => openEdit(p, panel, edit));
    li.append(el('div', { class: 'actions' }, approve, reject, edit), panel);
    return li;
  }

  async function decide(id, title, action, reason, button) {
    if (button) button.disabled = true;
    const r = await api('POST', '/postings/' + encodeURIComponent(id) + '/' + action,
      reason === null ? undefined : { reason });
    if (button) button.disabled = false;
    if (r.status === 200) {
      say(action === 'approve' ? '「' + title + '」を承認しました。フィードに公開されています。'
        : '「' + title + '」を却下しました。理由は投稿した団体に表示されます。');
    } else if (r.status === 409) {
      const d = r.doc && r.doc.decision;
      const who = d ? (d.organization ? d.organization + ' の' : '') + (ROLES[d.role] || d.role || '') : '別の担当者';
      const what = d && d.state === 'rejected' ? '却下' : '承認';
      say('「' + title + '」は、すでに ' + who + 'が' + what + 'しています。一覧を更新しました。', true);
    } else {
      say(errorText(r), true);
      return r;
    }
    await Promise.all([loadQueue(), loadAudit()]);
    $('queue-title').focus();
    return r;
  }

  function openReject(p, panel, opener) {
    clear(panel);
    panel.hidden = false;
    const id = 'reject-' + p.id;
    const reason = el('textarea', { id, rows: 3, required: true,
      'aria-describedby': id + '-hint ' + id + '-error' });
    const error = el('p', { class: 'error', id: id + '-error' });
    const form = el('form', { novalidate: 'novalidate' },
      el('div', { class: 'field' },
        el('label', { for: id }, '却下の理由', el('span', { class: 'req', text: '（必須）' })),
        reason,
        el('p', { class: 'hint', id: id + '-hint', text: '投稿した団体に、このまま表示されます。' }),
        error),
      el('div', { class: 'actions' },
        el('button', { type: 'submit', class: 'danger', text: '却下する' }),
        el('button', { type: 'button', class: 'secondary', text: 'キャンセル', on: {
          click: () => { panel.hidden = true; clear(panel); opener.focus(); }
        } })));
    reason.addEventListener('input', () => {
      error.textContent = '';
      reason.removeAttribute('aria-invalid');
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      reason.removeAttribute('aria-invalid');
      if (!reason.value.trim()) {
        error.textContent = '却下の理由を入力してください。';
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        return;
      }
      const r = await decide(p.id, p.title || '', 'reject', reason.value.trim(),
        form.querySelector('button[type=submit]'));
      if (r && r.status === 400 && r.doc) {
        error.textContent = r.doc.error;
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
      }
    });
    panel.append(form);
    reason.focus();
  }

  function openEdit(p, panel, opener) {
    clear(panel);
    panel.hidden = false;
    const close = () => { panel.hidden = true; clear(panel); opener.focus(); };
    const f = postingForm('edit-' + p.id, '変更を保存', async (b) => {
      const r = await api('PATCH', '/postings/' + encodeURIComponent(p.id), b);
      if (r.status === 200) {
        say('「' + (r.doc.title || '') + '」を変更しました。まだ公開されていません。');
        await Promise.all([loadQueue(), loadAudit()]);
        $('queue-title').focus();
      }
      return r;
    }, close);
    panel.append(el('h4', { text: '投稿を編集' }), f.form);
    f.load(p);
    f.inputs.title.focus();
  }

  /* --- coordinators: the audit trail ------------------------------- */

  async function loadAudit() {
    const r = await api('GET', '/audit?limit=50');
    const body = $('audit').tBodies[0];
    clear(body);
    if (r.status !== 200) return;
    for (const a of r.doc.audit) {
      const changes = Object.keys(a.changes || {});
      const detail = [];
      if (a.changes && a.changes.moderation) {
        detail.push((STATES[a.changes.moderation.from] || a.changes.moderation.from || '') + ' → ' +
          (STATES[a.changes.moderation.to] || a.changes.moderation.to));
      }
      const fields = changes.filter((c) => c !== 'moderation');
      if (a.action === 'submit') {
        detail.push('新規: ' + ((a.changes.title && a.changes.title.to) || ''));
      } else if (fields.length) {
        detail.push('変更: ' + fields.map((c) => FIELD_NAMES[c] || c).join('、'));
      }
      if (a.reason) detail.push('理由: ' + a.reason);
      body.append(el('tr', null,
        el('td', { text: formatDate(a.at) }),
        el('td', { text: ACTIONS[a.action] || a.action }),
        el('td', { text: a.posting }),
        el('td', { text: (a.organization || '') + (a.role ? '（' + (ROLES[a.role] || a.role) + '）' : '') }),
        el('td', { text: a.label ? a.label + ' (' + a.token + ')' : a.token }),
        el('td', { text: detail.join(' / ') })));
    }
  }

  async function downloadAudit() {
    let res;
    try {
      res = await fetch(API + '/audit?format=csv', {
        headers: { Authorization: 'Bearer ' + state.token }, credentials: 'omit',
        cache: 'no-store', referrerPolicy: 'no-referrer'
      });
    } catch (e) {
      say('サーバーに接続できませんでした。', true);
      return;
    }
    if (!res.ok) {
      say('記録を保存できませんでした（HTTP ' + res.status + '）', true);
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = el('a', { href: url, download: 'tsunagu-audit.csv', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    say('記録を CSV で保存しました。');
  }

  /* --- groups: the form and their postings -------------------------- */

  let groupForm = null;
  let editing = null;

  function setupGroupForm() {
    const slot = $('form-slot');
    clear(slot);
    groupForm = postingForm('new', '投稿する', async (b) => {
      const r = editing
        ? await api('PATCH', '/postings/' + encodeURIComponent(editing), b)
        : await api('POST', '/postings', b);
      if (r.status === 200 || r.status === 201) {
        const resubmitted = editing && r.doc.moderation === 'pending';
        say(editing
          ? (resubmitted ? '「' + r.doc.title + '」を修正しました。もう一度承認を待っています。'
            : '「' + r.doc.title + '」を修正しました。')
          : '「' + r.doc.title + '」を投稿しました。コーディネーターの承認を待っています。');
        stopEditing();
        await loadMine();
        $('mine-title').scrollIntoView();
      }
      return r;
    }, null);
    const cancel = el('button', { type: 'button', class: 'secondary', text: '修正をやめる',
      hidden: true, id: 'edit-cancel' });
    cancel.addEventListener('click', () => { stopEditing(); $('form-title').focus(); });
    groupForm.form.querySelector('.actions').append(cancel);
    slot.append(groupForm.form);
  }

  function stopEditing() {
    editing = null;
    groupForm.reset();
    $('form-title').textContent = '新しい投稿';
    groupForm.form.querySelector('button[type=submit]').textContent = '投稿する';
    $('edit-cancel').hidden = true;
  }

  function startEditing(p) {
    editing = p.id;
    groupForm.reset();
    groupForm.load(p);
    $('form-title').textContent = '投稿を修正: ' + (p.title || '');
    groupForm.form.querySelector('button[type=submit]').textContent =
      p.moderation === 'rejected' ? '修正して再申請' : '変更を保存';
    $('edit-cancel').hidden = false;
    $('form-title').focus();
  }

  async function loadMine() {
    const r = await api('GET', '/postings?limit=100');
    const list = $('mine');
    clear(list);
    if (r.status !== 200) {
      say('投稿の一覧を読めませんでした: ' + errorText(r), true);
      return;
    }
    $('mine-empty').hidden = r.doc.postings.length > 0;
    for (const p of r.doc.postings) list.append(mineCard(p));
  }

  function mineCard(p) {
    const withdrawn = p.status === 'withdrawn';
    const st = withdrawn ? 'withdrawn' : p.moderation;
    const badge = el('span', { class: 'badge ' + st,
      text: withdrawn ? '取り下げ済み' : STATES[p.moderation] || p.moderation });
    const h = el('h3', null, p.title || '', badge);
    const li = el('li', { class: 'card', 'data-id': p.id }, h);
    li.append(el('p', { class: 'meta', text: formatSpan(p.start, p.end) +
      (p.place ? '　' + p.place : '') }));
    const d = p.decision;
    if (p.moderation === 'rejected' && d) {
      li.append(el('p', { class: 'meta', text: formatDate(d.at) + ' に ' +
        (d.organization ? d.organization + ' の' : '') + (ROLES[d.role] || d.role) + 'が却下しました。' }));
      li.append(el('div', { class: 'reason' }, el('strong', { text: '却下の理由: ' }), d.reason || ''));
    } else if (p.moderation === 'published' && d) {
      li.append(el('p', { class: 'meta', text: formatDate(d.at) + ' に承認されました。' }));
    }
    if (!withdrawn && (p.moderation === 'pending' || p.moderation === 'rejected')) {
      const b = el('button', { type: 'button', class: 'secondary',
        text: p.moderation === 'rejected' ? '修正して再申請…' : '修正する…' });
      b.addEventListener('click', () => startEditing(p));
      li.append(el('div', { class: 'actions' }, b));
    }
    return li;
  }

  /* --- signing in and out ------------------------------------------ */

  function show(section) {
    for (const id of ['signin', 'coordinator', 'group', 'other']) $(id).hidden = id !== section;
  }

  async function signIn(token, quiet) {
    state.token = token;
    const r = await api('GET', '');
    if (r.status !== 200 || !r.doc || !r.doc.token) {
      state.token = null;
      sessionStorage.removeItem(TOKEN_KEY);
      return r.status === 401 ? 'トークンが正しくないか、無効になっています。' : errorText(r);
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    state.role = r.doc.token.role;
    state.organization = r.doc.token.organization;
    state.tokenId = r.doc.token.id;
    $('who-text').textContent = (state.organization ? state.organization + '・' : '') +
      (ROLES[state.role] || state.role);
    $('who').hidden = false;
    if (!quiet) say('サインインしました。');
    if (state.role === 'coordinator' || state.role === 'admin') {
      show('coordinator');
      await Promise.all([loadQueue(), loadAudit()]);
      $('queue-title').focus();
    } else if (state.role === 'group') {
      show('group');
      setupGroupForm();
      await loadMine();
      $('form-title').focus();
    } else {
      show('other');
      $('other-title').focus();
    }
    return null;
  }

  function signOut(message, isError) {
    state.token = null;
    state.role = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $('who').hidden = true;
    clear($('queue'));
    clear($('mine'));
    clear($('audit').tBodies[0]);
    clear($('form-slot'));
    show('signin');
    say(message || 'サインアウトしました。', isError);
    $('token').value = '';
    $('signin-title').focus();
  }

  function init() {
    $('signin-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const input = $('token');
      const error = $('token-error');
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      const token = input.value.trim();
      if (!token) {
        error.textContent = 'トークンを入力してください。';
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      const problem = await signIn(token, false);
      if (problem) {
        error.textContent = problem;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      } else {
        input.value = '';
      }
    });
    $('signout').addEventListener('click', () => signOut());
    $('queue-refresh').addEventListener('click', async () => {
      await loadQueue();
      say('一覧を更新しました。');
    });
    $('audit-refresh').addEventListener('click', loadAudit);
    $('audit-csv').addEventListener('click', downloadAudit);
    $('mine-refresh').addEventListener('click', async () => {
      await loadMine();
      say('一覧を更新しました。');
    });
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) signIn(saved, true);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
