x.textContent
