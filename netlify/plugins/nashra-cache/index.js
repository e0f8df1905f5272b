// A Netlify build plugin of this repository (netlify.toml lists it): keeps nashra's .nashra-cache/ from one
// deploy to the next, so that a deploy reuses the front matter, links, articles' HTML and search words of
// every article that did not change, instead of making them again. utils.cache is Netlify's own
// (@netlify/cache-utils). Only the cache: public/ is tens of thousands of small files, which Netlify's
// cache copies one by one more slowly than nashra makes them, and its copies keep file times only to the
// microsecond, so nashra could not trust them as its own output anyway.
const KEPT = ['.nashra-cache']

module.exports = {
  async onPreBuild({ utils }) {
    const restored = await utils.cache.restore(KEPT)
    console.log(restored ? 'nashra-cache: restored .nashra-cache/ from the last deploy' : 'nashra-cache: no .nashra-cache/ yet')
  },
  async onPostBuild({ utils }) {
    await utils.cache.save(KEPT)
  },
}
