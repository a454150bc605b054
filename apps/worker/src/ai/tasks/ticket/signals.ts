// The ticket rubric (docs/ai.md) as keyword signals, in the languages tickets arrive in.
// Written for folded text (lower case, no accents, see `foldText`). Each one is a model
// feature: harm now, how many it reaches, and the things that are never urgent.
// A signal is one pattern or several: each stays short enough (about 200 characters) for
// recheck to prove it linear by automaton (rules/redos.test.ts): repeats are bounded and
// written as character classes, as recheck only fuzzes patterns with `\w*` or `.{m,n}`.

export const ticketSignals: Readonly<Record<string, RegExp | readonly RegExp[]>> = {
  // Urgent: the business is stopped or harmed now.
  outage: [
    /\b(down|outage|offline|incident|sev ?1|p1|production|prod|live site|fora do ar|fuera de servicio|caid[oa]|parad[ao]|steht still|stillstand|nicht erreichbar|ausfall|en panne)\b/,
    /\b(hors service|fuori servizio|non arrivano|bloccati|stopped|not (being )?(delivered|sent|processed|arriving|loading))\b/,
    /\b((is|are|was|were)n'?t (being )?(delivered|sent|processed|arriving)|no longer (works?|sent|delivered|arrives?))\b/,
    /\b((nobody|no one|none of (our|the) [a-z]{1,20}) (can|could|is able|are able|has|have)|nobody in|(n'est|ne sont) (plus )?(envoye|recu|livre)[a-z]{0,12}|no (new|inbound|incoming))\b/,
    /\b(nothing (gets|is|works|loads)|timing out|times out|can'?t (buy|sell|ship|pay|order|check ?out|get in|access|log ?in|work)|cannot (buy|sell|ship|pay|order|access|log ?in|work))\b/,
    /\b(unable to (work|access|log ?in|sell|answer)|locked out)\b/,
    /\b(everyone is locked|completely|blind|blocking|blocked|maintenance page|502|503|service unavailable|bad gateway|unreachable|inaccessible|not (loading|responding))\b/,
    /\b((won'?t|doesn'?t|can'?t|cannot) load|unresponsive|halted|frozen|froze|every request|all requests|white screen|blank page|se cae|no funciona nada|ne fonctionne plus)\b/,
    /\b(funktioniert nicht mehr|geht nicht mehr|nao funciona|non funziona)\b/,
    /停止|ダウン|障害/,
  ],
  security: [
    /\b(phishing|hack[a-z]{0,12}|pirat[a-z]{0,12}|takeover|breach[a-z]{0,12}|leak[a-z]{0,12}|exposed|compromised|unauthori[sz]ed|suspicious (login|activity|access)|unknown (ip|api calls|device|login))\b/,
    /\b(someone (else|logged|gained|accessed|changed)|quelqu'un s'est connecte|2fa (was )?disabled|other customers'?|another customer'?s|wrong (customers?|recipients?|people))\b/,
    /\b(anderer kunden|datenschutzvorfall|data protection|secret key|api keys?)\b/,
    /\b(passwords? (were|was) changed|(logged|signed) in from|changed (our|the) (payout|bank|email|password|iban)|stolen|impersonat[a-z]{0,12}|spoof[a-z]{0,12}|publicly (visible|accessible|available))\b/,
    /\b(anyone can (see|access|open)|fraud[a-z]{0,12}|malware|ransomware|ddos|vulnerabilit[a-z]{1,12}|injection|xss|personal data of|privacy incident|violacion|fuite|vazamento)\b/,
    /不正|漏洩/,
  ],
  dataLoss: [
    /\b(delet(ed|ing)|lost (all|the|our|my|data|every[a-z]{0,6}|some|\d{1,6})|disappeared|vanished|wip(ed|ing)|erased|purged|gone|verschwunden|geloscht|corrupt[a-z]{0,12}|rewrote|overwritten)\b/,
    /\b(overwrote|effaces|supprime[a-z]{0,12}|disparu|perdu[a-z]{0,12}|perdid[a-z]{0,12}|borrad[a-z]{0,12}|eliminad[a-z]{0,12}|sumiram|apagad[a-z]{0,12}|perdidos|cancellat[a-z]{0,12}|persi|missing|file not found|empty|data loss)\b/,
    /消え|削除/,
  ],
  money: [
    /\b(charged (twice|every|all|double|again|us|our|the wrong)|double[- ]?charged?|duplicate (charges?|payments?)|overcharged?|wrong (amount|invoice|charge))\b/,
    /\b(payments? (are |were |is )?(rejected|declined|failing|failed|not going through)|pagos rechazados|pagamentos recusados|paiements refuses|zahlungen( [a-z]{1,12}){0,2} abgelehnt)\b/,
    /\b(losing (sales|money|revenue|orders|customers))\b/,
    /\b(customers (can'?t|cannot|are unable to) (pay|check ?out|buy|order)|payouts?|lost (sales|revenue)|perdiendo (ventas|dinero)|perdendo vendas|checkout|can'?t (buy|pay))\b/,
    /\b(orders? (are |were |is )?(stuck|blocked|not|lost)|refund the difference|cash flow)\b/,
    /[$€£]\d{1,3},\d{3}|[$€£]\d{4,7}/,
  ],
  everyone: [
    /\b(all (of )?(our|the|my|[a-z]{1,20}s)|every(one|body)?|entire|whole|none of|nobody|no one|noone|100%|company-wide|organi[sz]ation-wide|todos|todas|nadie|nenhum|ninguem|ninguna?|alle)\b/,
    /\b(niemand|keiner|aucun|plus aucun|personne|tous|toutes|tutti|nessun[oa]?)\b/,
    /全て|全員|すべて/,
  ],
  many: [
    /\b\d{1,6}\+?[ \t]?(agents|users|customers|clients|tickets|orders|contacts|records|rows|people|ppl|patients|subscribers)\b/,
    /\b\d{1,6}\+?[ \t]?(staff|employees|mailboxes|accounts|stores|rendez-vous|kontakte|kunden|pedidos|clientes|ordini|commandes|usuarios|utilisateurs)\b/,
    /\b(hundreds|thousands|dozens|many|most) of\b/,
    /\b\d{1,6}(名|人|件)/,
  ],
  now: [
    /\b(right now|at the moment|currently|since (this morning|about|around|yesterday|last night|the (update|upgrade|release|deploy[a-z]{0,12}|migration)|\d))\b/,
    /\b(for (an|the last|\d{1,6}) (hour|hours|minutes)|an hour|\d{1,6} minutes ago|this morning|as of|desde (as|hace|ayer|esta|las|o)|depuis (ce matin|hier|cette nuit|\d))\b/,
    /\b(seit (heute|gestern|\d)|da (ieri|stamattina|oggi)|heute nacht|cette nuit|immediately|sofort)\b/,
  ],
  // Tone: shouting is not harm, so it is a signal of its own and never raises priority by itself.
  shouting: /\b(urgent[a-z]{0,12}|asap|emergency|critical|dringend|urgente|urgencia|urgence|important)\b|!!!/,
  // High: a major function broken or degraded, or a deadline soon.
  broken: [
    /\b(fail[a-z]{0,12}|errors?|broken|degraded|freez[a-z]{0,12}|hangs?|not working|doesn'?t work|does not work|stopped working|can'?t|cannot|unable|unusable|stuck|loop|rejected|drops?|dropped)\b/,
    /\b(disconnected|crash[a-z]{0,12}|500s?|404|timeouts?|slow|slowness|sluggish|very slow|takes (minutes|forever|ages)|laggy|lag|delayed|late|wrong|incorrect|errad[oa]s|fehler|erreur|falla|falha)\b/,
    /\b(errore|no funciona|ne fonctionne pas)\b/,
    /\b(funktioniert nicht|nao (funciona|consigo)|non funziona|bloque[a-z]{0,12}|no se ejecutan|kaputt|regression)\b/,
    /開けな|できな|エラー/,
  ],
  partial: [
    /\b(one region|(in|for) one (region|team|workspace)|only (some|one|a few|certain)|half|a third|a quarter|about \d{1,6}%|\d{1,6}% of|\d{1,6} in \d{1,6}|some (users|of|customers|agents))\b/,
    /\b(a few (users|agents|customers)|one (user|colleague|agent|of our|person|customer)|une collegue|un collegue|eine kollegin|ein kollege|un usuario|a colleague|only (me|one|for me))\b/,
    /\b(just me|large share|most|certain)\b/,
    /\b(intermittent[a-z]{0,12}|degraded)\b/,
  ],
  deadline: [
    /\b(tomorrow|tonight|by (friday|monday|tuesday|wednesday|thursday|end of)|before (monday|tuesday|wednesday|thursday|friday|the|renewal|our)|due|deadline|audit|demo|presentation|launch)\b/,
    /\b(go-live|board meeting|investor[a-z]{0,12}|client meeting|this afternoon|end of (the )?day|eod|payroll|month-end|year-end|end of (the )?(month|quarter|year)|next week|go live|can'?t go live)\b/,
    /\b(renewal|suspend[a-z]{0,12}|expire[a-z]{0,12}|demain)\b/,
    /\b(manana|morgen|amanha|domani|antes del|avant (le|la|vendredi|lundi)|vendredi|viernes|sexta|quinta|freitag|venerdi|reunion|reuniao|meeting)\b/,
    /明日/,
  ],
  workaround: [
    /\b(workaround|work around|still works|works? (fine|once|if|for|again)|are fine|is fine|is ok|are ok|manual[a-z]{0,12}|for now|meanwhile|in the meantime|retries (mostly )?work|retrying works)\b/,
    /\b(smaller( [a-z]{1,12}){0,3} work|default( [a-z]{1,12}){0,3} works|we paused|muted|funciona si|works|otherwise fine|can still|still able|solucion temporal|contournement)\b/,
  ],
  // Normal: a question, set-up help, a small billing change.
  howTo: [
    /\b(how (do|can|does|to|should)|where (can|do|is)|is there a (way|guide|setting|option)|is it possible|guide|tutorial|documentation|set ?up|configur[a-z]{1,12}|enable|question|como)\b/,
    /\b(comment (faire|puis|peut)|wie (kann|konnen|richte)|come (posso|si)|podem me indicar|what are|can we|can i|do you support)\b/,
    /どこから|方法|教えて/,
  ],
  billingAdmin: [
    /\b(invoices?|receipt|vat|tax id|billing (address|details|contact|email)|facture|factura|fatura|rechnung|facturacion|prorata|plan|subscription|abonnement|suscripcion|assinatura|seats?)\b/,
    /\b(licen[cs]es?|add ([a-z]{1,20} )?(users?|agents?|seats?)|remove ([a-z]{1,20} )?(users?|agents?)|upgrade|downgrade|cancel|ajouter|refund|reembolso|remboursement|credit note)\b/,
    /請求書|領収書/,
  ],
  intermittent:
    /\b(sometimes|a veces|now and then|occasionally|from time to time|once in a while|intermitt[a-z]{0,12}|\d-\d times|sporadic[a-z]{0,12}|parfois|manchmal|as vezes|a volte|randomly)\b/,
  // Low: no harm now.
  featureRequest: [
    /\b(feature request|would be (nice|great|lovely|cool|helpful|awesome)|it'?d be (nice|great|cool)|would love|we'?d love|nice to have|any plans|on the roadmap|roadmap|please add)\b/,
    /\b(could you add|can you add|idea|suggestion|suggest|wish|request for|sugestao|sugerencia|seria (otimo|genial|bueno|bom)|wunsch|ware (schon|toll|super)|ce serait bien|il serait bien)\b/,
    /\b(serait-il possible|sarebbe bello|calendar view)\b/,
    /\b(dark mode)\b/,
  ],
  cosmetic: [
    /\b(typo|typos|spelling|misspel[a-z]{0,12}|cosmetic|font|fonts|colou?rs?|tooltip|cut off|truncated|alignment|misaligned|aligned|padding|spacing|logo|icon|badge|blurry|pixelated|label|emojis?)\b/,
    /\b(mascot|photo|avatar|sticker[a-z]{0,12}|swag|wording|grammar|layout|css)\b/,
  ],
  // Plain "thanks" closes every kind of ticket; praise is a message that exists to thank.
  praise: [
    /\b(great job|good work|great work|love (it|the)|loving|well done|kudos|keep up|wanted to (say|thank)|just (to )?(say|thank)|agradec[a-z]{0,12}|vielen dank|lob|bravo|excellent|awesome)\b/,
    /\b(appreciate[a-z]{0,12}|feedback)\b/,
    /ありがとう/,
  ],
  notUrgent: [
    /\b(not urgent|no rush|no deadline|no hurry|not (a )?(big deal|problem|priority|blocking)|whenever|when you (have|get) (time|a chance|a sec)|low priority|minor|kein drama)\b/,
    /\b(nicht dringend|nao e urgente|no es urgente|pas urgent|non urgente|just (exploring|testing|curious|wanted|fyi|so you know)|curiosit[a-z]{1,12}|par simple|random q|out of curiosity|resolved)\b/,
    /\b(solved|please close|you can close)\b/,
    /\b(close (this|the ticket)|all good now|never ?mind|works now|is this thing on|test ticket)\b/,
  ],
};
