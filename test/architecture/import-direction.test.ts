import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { repositoryRoot } from '../helpers/repository-root.js'
import { filesUnder } from '../helpers/files-under.js'

/**
 * The layers of `core/`, lowest first. A file may import from its own layer and from the layers
 * before it, never from one after it: that is what lets a newcomer read the folders bottom-up.
 */
const CORE_LAYERS = [
  'core/errors.ts',
  'core/config',
  'core/wire',
  'core/request',
  'core/response',
  'core/route',
  'core/session',
  'core/server',
  'core/app',
]

/** Folders that are leaves: each can be used alone and imports nothing else of the project. */
const LEAVES = ['router', 'waf', 'certs', 'transports', 'sessions']

const root = repositoryRoot(import.meta.url)

const sourceFiles = (folder: string): string[] => filesUnder(root, folder)

/** The project files a source file imports (relative specifiers only), as repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  const found: string[] = []
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    found.push(relative(root, resolve(dirname(join(root, file)), match[1]!.replace(/\.js$/, '.ts'))))
  }
  return found
}

function layerOf(file: string): number {
  return CORE_LAYERS.findIndex((layer) => file === layer || file.startsWith(layer + '/'))
}

describe('import direction', () => {
  const coreFiles = sourceFiles('core')

  it('places every file of core/ in one of its layers', () => {
    expect(coreFiles.filter((file) => layerOf(file) < 0)).to.deep.equal([])
  })

  it('has no file of core/ import from a layer above its own', () => {
    const upward = coreFiles.flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('core/') && layerOf(target) > layerOf(file))
        .map((target) => `${file} → ${target}`),
    )
    expect(upward).to.deep.equal([])
  })

  for (const leaf of LEAVES) {
    it(`has ${leaf}/ import nothing else of the project`, () => {
      const outside = sourceFiles(leaf).flatMap((file) =>
        importsOf(file)
          .filter((target) => !target.startsWith(leaf + '/'))
          .map((target) => `${file} → ${target}`),
      )
      expect(outside).to.deep.equal([])
    })
  }
})
