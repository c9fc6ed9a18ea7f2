import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repositoryRoot } from '../helpers/repository-root.js'
import { filesUnder } from '../helpers/files-under.js'

/** The folders whose every source file docs/architecture.md names, so a newcomer can find each one. */
const DOCUMENTED = ['core', 'router', 'waf', 'certs', 'transports', 'sessions']

const root = repositoryRoot(import.meta.url)

const sourceFiles = (folder: string): string[] => filesUnder(root, folder)

describe('docs/architecture.md', () => {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8')

  it('names every source file of the documented folders by its path', () => {
    const missing = DOCUMENTED.flatMap(sourceFiles).filter((file) => !doc.includes(file))
    expect(missing).to.deep.equal([])
  })

  it('gives every source file one row of its tables, no more', () => {
    const rows = doc.split('\n').filter((line) => line.startsWith('|'))
    const counted = DOCUMENTED.flatMap(sourceFiles).map((file) => ({
      file,
      rows: rows.filter((row) => row.includes('`' + file + '`')).length,
    }))
    expect(counted.filter(({ rows }) => rows !== 1)).to.deep.equal([])
  })

  it('names no file that does not exist', () => {
    const named = [...doc.matchAll(/\b((?:core|router|waf|certs|transports|sessions)\/[\w/.-]+\.ts)\b/g)].map(
      (m) => m[1]!,
    )
    const files = new Set(DOCUMENTED.flatMap(sourceFiles))
    expect([...new Set(named)].filter((file) => !files.has(file))).to.deep.equal([])
  })
})
