// Read pages back the way link unfurlers do: open-graph-scraper (fetching the URL
// itself) and metascraper with its title/image/description/url rules plus the
// community shopping rules for price and currency.
//
//   node unfurl.mjs URL [URL ...]   → prints {"URL": {"ogs": {...}, "metascraper": {...}}}
//
// Used by tests/widgets/test_unfurlers.py; install with `npm ci` (make unfurlers).
import ogs from 'open-graph-scraper'
import createMetascraper from 'metascraper'
import metascraperTitle from 'metascraper-title'
import metascraperImage from 'metascraper-image'
import metascraperDescription from 'metascraper-description'
import metascraperUrl from 'metascraper-url'
import metascraperShopping from '@samirrayani/metascraper-shopping'

const USER_AGENT = 'Mozilla/5.0 (compatible; unfurl-test; +metascraper open-graph-scraper)'

const metascraper = createMetascraper([
  metascraperTitle(),
  metascraperImage(),
  metascraperDescription(),
  metascraperUrl(),
  metascraperShopping()
])

async function withOgs (url) {
  const { error, result } = await ogs({
    url,
    fetchOptions: { headers: { 'user-agent': USER_AGENT } },
    // Open Graph's product namespace (product:price:*) as custom tags: ogs only knows og:*.
    customMetaTags: [
      { multiple: false, property: 'product:price:amount', fieldName: 'productPriceAmount' },
      { multiple: false, property: 'product:price:currency', fieldName: 'productPriceCurrency' },
      { multiple: false, property: 'product:availability', fieldName: 'productAvailability' }
    ]
  })
  if (error) throw new Error(`open-graph-scraper failed for ${url}`)
  return result
}

async function withMetascraper (url) {
  const response = await fetch(url, { headers: { 'user-agent': USER_AGENT } })
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`)
  const html = await response.text()
  return metascraper({ url: response.url, html })
}

const urls = process.argv.slice(2)
const out = {}
for (const url of urls) {
  out[url] = { ogs: await withOgs(url), metascraper: await withMetascraper(url) }
}
process.stdout.write(JSON.stringify(out))
