// Hi-Lo's one script, for what only the browser can do: keep things across a page reload that the server cannot see.
// main.py puts it into every page. It sends nothing to the server.
//
// 1. A guess typed while the connection is down. After a short drop NiceGUI sends it once the connection is back.
//    After a long one the server has let the page go, so NiceGUI reloads it: the text in the guess box is kept in the
//    tab's sessionStorage when the page goes and put back into the box when the game is shown again.
// 2. A notice the server wants shown after it reloads the page (see GamePanel._changed_elsewhere in
//    ui/game_panel.py): the server stores it in sessionStorage right before the reload; it is shown here afterwards.
(() => {
  const GUESS = "hilo-guess";
  const NOTICE = "hilo-notice";
  const guessBox = () => document.querySelector(".hilo-guess-box input:not([readonly])");

  addEventListener("pagehide", () => {
    const text = guessBox()?.value;
    if (text) sessionStorage.setItem(GUESS, text);
    else sessionStorage.removeItem(GUESS);
  });

  // The page is ready once NiceGUI has connected; the game view may arrive a little later.
  const whenReady = (isReady, then, tries = 100) => {
    if (isReady()) then();
    else if (tries > 0) setTimeout(() => whenReady(isReady, then, tries - 1), 100);
  };
  const notice = sessionStorage.getItem(NOTICE);
  if (notice) {
    sessionStorage.removeItem(NOTICE);
    whenReady(() => window.did_handshake, () => Quasar.Notify.create({ message: notice, type: "warning" }));
  }
  const guess = sessionStorage.getItem(GUESS);
  if (guess) {
    sessionStorage.removeItem(GUESS);
    whenReady(guessBox, () => {
      const box = guessBox();
      if (box.value) return; // something typed already
      box.value = guess;
      box.dispatchEvent(new Event("input", { bubbles: true })); // so that Quasar's box knows its new text
    });
  }
})();
