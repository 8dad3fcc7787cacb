// Page glue only: every value goes in through .value / .textContent / setAttribute, never HTML.
const $ = (id) => document.getElementById(id);
const viz = $('viz');
const form = $('query');
const model = $('model');
const text = $('text');
const target = $('target');
const targetField = $('target-field');

// Examples by model id, then by family. brown-seq2seq's are held-out Brown sentences with the
// output of its deterministic task rules, so the cross-attention can be read against a known answer.
const EXAMPLES = {
  encoder: [
    'The food was wonderful, but the service was slow and rude.',
    'It was a happy and peaceful day in the old town.',
    'The cat sat on the mat.',
    'The keys to the cabinet are on the table.',
    'She saw the man with the telescope.',
  ],
  decoder: [
    'The committee said that the',
    'He walked into the room and',
    'In the beginning the committee said',
  ],
  'brown-seq2seq': [
    // translate: adjectives move after their noun, verbs to the end of the clause, ~40 function words map
    [
      'translate: He had no apparent comprehension of morality .',
      'il no comprehension apparent de morality avait .',
    ],
    [
      'translate: Los Angeles in 1957 finally bowed to the skyscraper .',
      'los angeles en 1957 finally a le skyscraper bowed .',
    ],
    // summarize: nouns, adjectives and lexical verbs, in order
    ['summarize: The new , jacketed slug in Magnum corrected this .', 'new jacketed slug magnum corrected'],
    [
      'summarize: Their duties include evaluation of the information collected and preparation of recommendations .',
      'duties include evaluation information collected preparation recommendations',
    ],
    // long inputs: the opening of two held-out Brown files, 272 and 252 source tokens
    [
      'translate: Vincent G. Ierulli has been appointed temporary assistant district attorney , it was announced Monday by Charles E. Raymond , District Attorney . Ierulli will replace Desmond D. Connall who has been called to active military service but is expected back on the job by March 31 . Ierulli , 29 , has been practicing in Portland since November , 1959 . He is a graduate of Portland University and the Northwestern College of Law . He is married and the father of three children . Helping foreign countries to build a sound political structure is more important than aiding them economically , E. M. Martin , assistant secretary of state for economic affairs told members of the World Affairs Council Monday night . Martin , who has been in office in Washington , D. C. , for 13 months spoke at the council\'s annual meeting at the Multnomah Hotel . He told some 350 persons that the United States\' challenge was to help countries build their own societies their own ways , following their own paths . " We must persuade them to enjoy a way of life which , if not identical , is congenial with ours " , he said but adding that if they do not develop the kind of society they themselves want it will lack ritiuality and loyalty .',
      'vincent g. ierulli assistant district attorney temporary has ete appointed , il monday par charles e. raymond etait announced , district attorney . ierulli desmond d. connall who a service active military va replace has ete called mais back sur le job par march 31 est expected . ierulli , 29 , en portland since november has ete practicing , 1959 . il un graduate de portland university est et le college northwestern de law . il est married et le father de three children . countries foreign a un structure sound political more important helping build est than them economically aiding , e. m. martin , assistant secretary de state pour affairs economic members de le world affairs council monday night told . martin , who en office en washington has ete , d. c. , pour 13 months chez le council\'s meeting annual chez le multnomah hotel spoke . il some 350 persons told que le states\' challenge a countries leur societies own leur ways own united etait help build , leur paths own following . " nous them a un way de life qui must persuade enjoy , if pas identical , congenial avec ours est " , il said mais adding que if ils pas le kind de society ils themselves il ritiuality do develop want va lack et loyalty .',
    ],
    [
      'summarize: Harbor Point sticks out into the ocean like the fat neck of a steamer clam . It\'s a rich village but not much for action -- too many solid residents , not enough tourists or working stiffs . It\'s at the far end of the county and the last time I came here was for a hit and run manslaughter -- about seven months ago . Chief Bob Moore looked his same hick-self ; ; a man mountain running to lard in his middle-age . Seeing me he said with real surprise , " Well , well , ain\'t we honored ! ! Hardly expected the head of County Homicide up for this murder . You sure climbed fast , Jed . Rookie investigator last summer and now it\'s Inspector Jed . Took me 19 years to become Chief of our three man police force . Proves a college education pays off " . His sarcasm was followed by a stupid grin of his thick mouth and bad teeth . " I guess it helps " , I said , paying no attention to his ribbing . " Never could figure out why you ever wanted to be a cop , Jed .',
      'harbor point sticks ocean fat neck steamer clam rich village action solid residents tourists working stiffs far end county time came hit run manslaughter months chief bob moore looked hick-self man mountain running lard middle-age seeing said real surprise honored expected head county homicide murder climbed jed rookie investigator summer inspector jed took years become chief man police force proves college education pays sarcasm followed stupid grin thick mouth bad teeth guess helps said paying attention ribbing figure wanted cop jed',
    ],
  ],
  'encoder-decoder': [
    ['the cat sat on the mat.', 'le chat était assis sur le tapis.'],
    ['the house is small.', 'la maison est petite.'],
    ['the big red car was in the city today.', 'red car in city'],
  ],
};
const examplesFor = () => EXAMPLES[model.value] ?? EXAMPLES[familyOf()] ?? EXAMPLES.encoder;

const familyOf = () => model.selectedOptions[0]?.dataset.family ?? 'encoder';

function showExamples() {
  const box = document.querySelector('.examples');
  for (const b of box.querySelectorAll('button')) b.remove();
  for (const ex of examplesFor()) {
    const [src, tgt] = Array.isArray(ex) ? ex : [ex, null];
    const b = document.createElement('button');
    b.type = 'button';
    // a long example shows its opening words and its length
    const words = src.split(' ');
    b.textContent =
      words.length > 30
        ? `${words.slice(0, 8).join(' ')} … (${words.length} words)`
        : tgt
          ? `${src} → ${tgt}`
          : src;
    b.addEventListener('click', () => {
      text.value = src;
      if (tgt) target.value = tgt;
      apply();
    });
    box.append(b);
  }
}

function syncFamily() {
  const encDec = familyOf() === 'encoder-decoder';
  targetField.hidden = !encDec;
  showExamples();
}

// What each served model supports, from GET /v1/models (its saliency_methods): the Explain menu offers
// exactly those, so a method the model refuses is never one click away.
const explain = $('explain');
const go = $('go');
const served = new Map();
const words = (name) => name.replace(/_x_/g, ' × ').replace(/_/g, ' ');
const explainLabel = (v) =>
  v === 'attention'
    ? 'Attention'
    : v === 'probe'
      ? 'Probe: parts of speech, layer by layer'
      : `Saliency: ${words(v)}`;

function fillExplain() {
  const methods = served.get(model.value)?.saliency_methods ?? [];
  const current = explain.value;
  const values = ['attention', ...methods, ...(served.has(model.value) ? ['probe'] : [])];
  explain.replaceChildren(
    ...values.map((v) => {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = explainLabel(v);
      return o;
    }),
  );
  explain.value = values.includes(current) ? current : 'attention';
}

// The button says what pressing it does.
function labelButton() {
  const v = explain.value;
  go.textContent =
    v === 'attention'
      ? 'Show attention'
      : v === 'probe'
        ? `Train probes on ${model.value}`
        : `Show ${words(v)} saliency`;
}

function applyExplain() {
  const v = explain.value;
  if (v === 'attention') {
    viz.removeAttribute('explain');
    viz.removeAttribute('method');
  } else if (v === 'probe') {
    viz.setAttribute('explain', 'probe');
    viz.removeAttribute('method');
  } else {
    viz.setAttribute('explain', 'saliency');
    viz.setAttribute('method', v);
  }
  labelButton();
}
explain.addEventListener('change', () => {
  applyExplain();
  renderSnippet();
});

function apply() {
  // A new model may have other layers: let the element pick its defaults again.
  if (viz.getAttribute('model') !== model.value)
    for (const a of ['group', 'layer', 'head']) viz.removeAttribute(a);
  viz.setAttribute('model', model.value);
  viz.setAttribute('text', text.value);
  if (familyOf() === 'encoder-decoder' && target.value.trim()) viz.setAttribute('target-text', target.value);
  else viz.removeAttribute('target-text');
  renderSnippet();
}

function renderSnippet() {
  const q = (v) => `"${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;
  const attrs = [`src=${q(location.origin)}`, `model=${q(model.value)}`];
  if (viz.getAttribute('explain') !== 'probe') attrs.push(`text=${q(viz.getAttribute('text') ?? '')}`);
  if (viz.hasAttribute('explain')) attrs.push(`explain=${q(viz.getAttribute('explain'))}`);
  if (viz.hasAttribute('target-text')) attrs.push(`target-text=${q(viz.getAttribute('target-text'))}`);
  if (viz.hasAttribute('theme')) attrs.push(`theme=${q(viz.getAttribute('theme'))}`);
  // The view shown (view, group, layer, head, method) lives in attributes: copying them restores it.
  for (const a of ['analyses', 'view', 'group', 'layer', 'head', 'method'])
    if (viz.hasAttribute(a)) attrs.push(`${a}=${q(viz.getAttribute(a))}`);
  $('snippet').textContent =
    `<script type="module" src="${location.origin}/widget/attn-heatmap.js"></script>\n` +
    `<attn-heatmap ${attrs.join(' ')}></attn-heatmap>`;
}

// The models this deployment serves replace the built-in list when the API answers.
async function loadModels() {
  try {
    const res = await fetch('/v1/models');
    if (!res.ok) return;
    const { models } = await res.json();
    if (!Array.isArray(models) || models.length === 0) return;
    const current = model.value;
    model.replaceChildren(
      ...models.map((m) => {
        const o = document.createElement('option');
        o.value = m.id;
        o.dataset.family = m.family;
        o.textContent = `${m.id} (${m.family}, ${m.layers} layers × ${m.heads} heads)`;
        return o;
      }),
    );
    for (const m of models) served.set(m.id, m);
    if (models.some((m) => m.id === current)) model.value = current;
    syncFamily();
    fillExplain();
    applyExplain();
    renderSnippet();
  } catch {
    // keep the built-in list
  }
}

$('theme').addEventListener('change', (e) => {
  const t = e.currentTarget.value;
  if (t) {
    viz.setAttribute('theme', t);
    document.documentElement.dataset.theme = t;
  } else {
    viz.removeAttribute('theme');
    delete document.documentElement.dataset.theme;
  }
  renderSnippet();
});
model.addEventListener('change', () => {
  syncFamily();
  fillExplain();
  applyExplain();
  const ex = examplesFor()[0];
  if (ex) {
    text.value = Array.isArray(ex) ? ex[0] : ex;
    if (Array.isArray(ex)) target.value = ex[1];
  }
  apply();
});
form.addEventListener('submit', (e) => {
  e.preventDefault();
  apply();
});

new MutationObserver(renderSnippet).observe(viz, {
  attributes: true,
  attributeFilter: ['view', 'group', 'layer', 'head', 'method', 'explain', 'theme'],
});
syncFamily();
renderSnippet();
loadModels();
