import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * Every word a user sees goes through t() (public/_locales). The rendering test
 * (no-literal-text.test.tsx) catches a literal on the screens it renders; this
 * one reads every .tsx under src/ui, so a literal in a branch or a component no
 * test renders is caught too.
 */

const root = join(import.meta.dirname, '../../..');

/** Attributes a user reads or a screen reader speaks. */
const VISIBLE_ATTRIBUTES = new Set([
  'title',
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'aria-valuetext',
  'placeholder',
  'alt',
  'label',
]);

/**
 * Text that may stand as it is: it has no letters (punctuation, numbers,
 * symbols such as "·" or "×"), or it is one of these, which are not words of
 * any language.
 */
const ALLOWED = new Set(['HTTP', 'JSON', 'CSV', 'PAC', 'URL']);

function hasWords(text: string): boolean {
  const trimmed = text.trim();
  return /\p{L}/u.test(trimmed) && !ALLOWED.has(trimmed);
}

/** String literals an expression can evaluate to, outside any call's arguments (t('key'), String(n)…). */
function findShownLiterals(expression: ts.Expression): ts.Node[] {
  const found: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (hasWords(node.text)) found.push(node);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
      if (parts.some(hasWords)) found.push(node);
      for (const span of node.templateSpans) visit(span.expression);
      return;
    }
    // A call's arguments are keys or data, and what it returns is its own business (t() is checked by its types).
    if (ts.isCallExpression(node) || ts.isTaggedTemplateExpression(node)) return;
    // In `a === 'x' ? …`, `'x' in o` or `o['x']` the literal is compared or looked up, not shown.
    if (ts.isBinaryExpression(node) && !isValueOperator(node.operatorToken.kind)) return;
    if (ts.isElementAccessExpression(node)) return;
    if (ts.isConditionalExpression(node)) {
      visit(node.whenTrue);
      visit(node.whenFalse);
      return;
    }
    // JSX inside the expression is scanned on its own.
    if (ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node)) return;
    // Functions in an expression (event handlers, render callbacks): only what they return is shown.
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      if (!ts.isBlock(node.body)) visit(node.body);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(expression);
  return found;
}

function isValueOperator(kind: ts.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.BarBarToken ||
    kind === ts.SyntaxKind.QuestionQuestionToken ||
    kind === ts.SyntaxKind.AmpersandAmpersandToken ||
    kind === ts.SyntaxKind.PlusToken ||
    kind === ts.SyntaxKind.CommaToken
  );
}

/** Every literal word a .tsx source would render: JSX text, `{'…'}` children, and visible attributes given a string. */
function findLiteralStrings(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    found.push(`${fileName}:${line + 1}: ${text.trim().replace(/\s+/g, ' ')}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node)) {
      if (hasWords(node.text)) report(node, node.text);
    } else if (ts.isJsxExpression(node) && node.expression !== undefined && !ts.isJsxAttribute(node.parent)) {
      for (const literal of findShownLiterals(node.expression)) report(literal, literal.getText(file));
    } else if (ts.isJsxAttribute(node) && VISIBLE_ATTRIBUTES.has(node.name.getText(file))) {
      const init = node.initializer;
      if (init !== undefined && ts.isStringLiteral(init) && hasWords(init.text)) report(init, `${node.name.getText(file)}="${init.text}"`);
      if (init !== undefined && ts.isJsxExpression(init) && init.expression !== undefined) {
        for (const literal of findShownLiterals(init.expression)) report(literal, `${node.name.getText(file)}=${literal.getText(file)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function listTsx(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTsx(path);
    return name.endsWith('.tsx') ? [path] : [];
  });
}

describe('no literal words in the .tsx sources of src/ui', () => {
  const files = listTsx(join(root, 'src/ui'));

  it('finds the pages and components to scan', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('every visible word comes from t()', () => {
    const literals = files.flatMap((path) => findLiteralStrings(relative(root, path), readFileSync(path, 'utf8')));
    expect(literals).toEqual([]);
  });
});

describe('findLiteralStrings', () => {
  const scan = (body: string) =>
    findLiteralStrings('x.tsx', `export const X = () => (${body});`).map((line) => line.replace(/^x\.tsx:\d+: /, ''));

  it('finds JSX text, a string child, a branch of a condition, a template and a visible attribute', () => {
    expect(scan(`<p>Sign in</p>`)).toEqual(['Sign in']);
    expect(scan(`<p>{'Loading'}</p>`)).toEqual([`'Loading'`]);
    expect(scan(`<p>{busy ? t('a') : 'Waiting'}</p>`)).toEqual([`'Waiting'`]);
    expect(scan(`<p>{name || 'nobody'}</p>`)).toEqual([`'nobody'`]);
    expect(scan('<p>{`${n} requests`}</p>')).toEqual(['`${n} requests`']);
    expect(scan(`<button aria-label="Close" title={open ? 'Hide' : t('b')} />`)).toEqual(['aria-label="Close"', `title='Hide'`]);
  });

  it('finds a literal put into a real page in place of its t() call', () => {
    const path = join(root, 'src/ui/prompt/prompt-form.tsx');
    const source = readFileSync(path, 'utf8');
    expect(source).toContain(`{t('promptSignIn')}`);
    const broken = source.replace(`{t('promptSignIn')}`, 'Sign in');
    expect(findLiteralStrings('prompt-form.tsx', broken)).toEqual([expect.stringMatching(/^prompt-form\.tsx:\d+: Sign in$/)]);
  });

  it('leaves t(), data, punctuation, class names, comparisons and handlers alone', () => {
    expect(
      scan(`<div class="row wide" data-testid="log-row" onClick={() => go('next')}>
        {t('promptSignIn')} · {user.name} ({count}) {kind === 'basic' ? t('a') : t('b')} {labels['main']}
        <span aria-label={t('close')} title={t('x', 'arg')}>×</span>
      </div>`),
    ).toEqual([]);
  });
});
