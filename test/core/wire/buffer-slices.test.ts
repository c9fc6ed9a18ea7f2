import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { repositoryRoot } from '../../helpers/repository-root.js'
import { filesUnder } from '../../helpers/files-under.js'

const root = repositoryRoot(import.meta.url)
const SOURCE_FOLDERS = ['core', 'router', 'waf', 'certs', 'transports', 'sessions']

describe('buffer-slices.ts', () => {
  it('is imported (as a type) by every file that calls latin1Slice, which it declares', () => {
    const callers = SOURCE_FOLDERS.flatMap((folder) => filesUnder(root, folder))
      .map((file) => join(root, file))
      .filter((file) => !file.endsWith(join('wire', 'buffer-slices.ts')))
      .filter((file) => readFileSync(file, 'utf8').includes('.latin1Slice('))
    expect(callers.length).to.be.greaterThan(3)
    const without = callers
      .filter((file) => !/import type \{\} from '[./]+(?:wire\/)?buffer-slices\.js'/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file))
    expect(without).to.deep.equal([])
  })
})
