import { expect } from 'chai'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { repositoryRoot } from '../../helpers/repository-root.js'

const root = repositoryRoot(import.meta.url)
const SOURCE_FOLDERS = ['core', 'router', 'waf', 'certs', 'transports', 'sessions']

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : []
  })
}

describe('buffer-slices.ts', () => {
  it('is imported (as a type) by every file that calls latin1Slice, which it declares', () => {
    const callers = SOURCE_FOLDERS.flatMap((folder) => sources(join(root, folder)))
      .filter((file) => !file.endsWith(join('wire', 'buffer-slices.ts')))
      .filter((file) => readFileSync(file, 'utf8').includes('.latin1Slice('))
    expect(callers.length).to.be.greaterThan(3)
    const without = callers
      .filter((file) => !/import type \{\} from '[./]+(?:wire\/)?buffer-slices\.js'/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file))
    expect(without).to.deep.equal([])
  })
})
