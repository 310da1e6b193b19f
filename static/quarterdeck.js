// Quarterdeck's progressive enhancements. Every page works without this file.
// NHS.UK frontend's components are started by the base template (templates/base.html),
// which names their module by its hashed name; this file names no other static file.

// The timeout warning (templates/includes/timeout_warning.html): two minutes before an
// idle session ends, a modal dialog offers to stay signed in. When time runs out it says
// so and stays open; the page is left as it is, so nothing typed is lost.
function timeoutWarning (dialog) {
  const idle = Number(dialog.dataset.idleSeconds) * 1000
  const warn = Number(dialog.dataset.warnSeconds) * 1000
  const csrf = dialog.querySelector('input[name="csrfmiddlewaretoken"]').value
  const part = (name) => dialog.querySelector(`[data-${name}]`)
  let deadline, warnTimer, tick, lastAnnounced

  const inWords = (seconds) => seconds >= 60
    ? `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? '' : 's'}`
    : `${seconds} second${seconds === 1 ? '' : 's'}`

  const signedOut = () => {
    clearInterval(tick)
    part('title').textContent = 'You have been signed out'
    part('countdown').textContent = 'You have been signed out because you had not done anything for a while.'
    part('announce').textContent = 'You have been signed out.'
    part('stay').hidden = true
    part('sign-out').hidden = true
    part('close').hidden = false
  }

  const update = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000))
    if (left === 0) return signedOut()
    part('countdown').textContent = `We will sign you out in ${inWords(left)}.`
    // Screen readers hear the time every 30 seconds, not every second.
    const announce = Math.ceil(left / 30)
    if (announce !== lastAnnounced) {
      lastAnnounced = announce
      part('announce').textContent = `We will sign you out in ${inWords(left)}.`
    }
  }

  const show = () => {
    dialog.showModal()
    update()
    tick = setInterval(update, 1000)
  }

  const schedule = () => {
    deadline = Date.now() + idle
    clearTimeout(warnTimer)
    warnTimer = setTimeout(show, Math.max(0, idle - warn))
  }

  part('stay').addEventListener('click', async () => {
    const answer = await fetch(dialog.dataset.keepAliveUrl, {
      method: 'POST',
      headers: { 'X-CSRFToken': csrf },
      credentials: 'same-origin'
    }).catch(() => null)
    if (answer && answer.status === 204) {
      clearInterval(tick)
      dialog.close()
      schedule()
    } else {
      signedOut()
    }
  })
  part('close').addEventListener('click', () => dialog.close())
  // Escape would hide the warning without resetting the clock: it means "stay".
  dialog.addEventListener('cancel', (event) => {
    if (part('stay').hidden) return
    event.preventDefault()
    part('stay').click()
  })
  schedule()
}

const warning = document.querySelector('[data-module="qd-timeout-warning"]')
if (warning && typeof warning.showModal === 'function') timeoutWarning(warning)

// A part of the page marked data-qd-refresh="N" (the bulk ZIP's progress, a room vote's
// count, a phone waiting for a vote) is fetched again every N seconds and swapped in; when
// the fresh copy no longer asks to refresh, the page loads again, unless a form on it holds
// something typed and not saved.
function refreshing (part) {
  const seconds = Number(part.dataset.qdRefresh)
  setTimeout(async () => {
    const response = await fetch(window.location.href, {
      // Looking again by itself: not the person's doing, so it keeps no idle session alive.
      headers: { Accept: 'text/html', 'X-Quarterdeck-Looking-Again': '1' }
    })
    if (!response.ok) return
    const fresh = new DOMParser()
      .parseFromString(await response.text(), 'text/html')
      .getElementById(part.id)
    if (fresh && fresh.dataset.qdRefresh) {
      part.replaceWith(fresh)
      refreshing(fresh)
    } else if (!unsaved()) {
      window.location.reload() // finished (the download, a vote to cast): the whole page
    }
  }, seconds * 1000)
}
document.querySelectorAll('[data-qd-refresh]').forEach(refreshing)

// Presenting in the board meeting (reports/meeting): the keys of a keyboard or a
// presentation clicker follow the page's own links: the arrows to the previous and next
// page, Home and End to the first and last. Page Down and Page Up (what a clicker sends)
// scroll a page taller than the screen first, and move on only from its foot (or top).
// Keys pressed in a form (typing, or on its button), in a table that scrolls sideways,
// with a modifier held or while a dialog is open are left alone, and nothing moves on
// while a form holds something typed and not yet saved.
const KEYS = {
  ArrowRight: 'next',
  PageDown: 'next',
  ArrowLeft: 'previous',
  PageUp: 'previous',
  Home: 'first',
  End: 'last'
}
const unsaved = () => [...document.querySelectorAll('main form')].some((form) =>
  [...form.elements].some((field) => {
    if (field.type === 'checkbox' || field.type === 'radio') return field.checked !== field.defaultChecked
    if (field.tagName === 'SELECT') {
      const chosen = [...field.options].findIndex((option) => option.defaultSelected)
      return field.selectedIndex !== Math.max(chosen, 0)
    }
    return 'defaultValue' in field && field.type !== 'hidden' && field.value !== field.defaultValue
  }))
const scrollsSideways = (target) => {
  const region = target.closest('[role="region"]')
  return region && region.scrollWidth > region.clientWidth
}
const scrollsFirst = (key) => {
  const root = document.documentElement
  if (key === 'PageDown') return window.scrollY + window.innerHeight < root.scrollHeight - 2
  if (key === 'PageUp') return window.scrollY > 0
  return false
}
if (document.querySelector('[data-qd-present]')) {
  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return
    if (document.querySelector('dialog[open]')) return
    if (event.target.closest('form, [contenteditable]')) return
    if (event.key.startsWith('Arrow') && scrollsSideways(event.target)) return
    const link = KEYS[event.key] && document.querySelector(`[data-qd-key="${KEYS[event.key]}"]`)
    if (!link || scrollsFirst(event.key) || unsaved()) return
    event.preventDefault()
    link.click()
  })
}
