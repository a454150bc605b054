// The lead rubric (docs/ai.md) as keyword signals, in the languages leads arrive in. Written
// for folded text (lower case, no accents, see `foldText`). Each one is a model feature; the
// model learns how much each weighs, the lists say what the rubric looks for.
// A signal is one pattern or several: each stays short enough (about 200 characters) for
// recheck to prove it linear by automaton (rules/redos.test.ts): repeats are bounded and
// written as character classes, as recheck only fuzzes patterns with `\w*` or `.{m,n}`.

export const leadSignals: Readonly<Record<string, RegExp | readonly RegExp[]>> = {
  // Hot: a need, a date, money or size, and the authority to buy.
  timelineNow: [
    /\b(asap|urgent[a-z]{0,12}|immediately|right away|as soon as possible|this (week|month|quarter)|today|tomorrow|tonight)\b/,
    /\b(by (the )?(friday|monday|tuesday|wednesday|thursday|end of|q[1-4]|\d{1,6}(st|nd|rd|th)?|january|february|march|april|may|june|july|august|september|october|november|december))\b/,
    /\b(next (monday|tuesday|wednesday|thursday|friday|week)|before (then|the|our|his|her|we))\b/,
    /\b(on the \d{1,2}(st|nd|rd|th)|how (fast|soon|quickly) (we|can)|start (right away|now|today|on monday)|in place by)\b/,
    /\b(within (\d{1,6}|one|two|three|four|a few|a couple of) (days|weeks)|in (\d{1,6}|two|three|four|a few) (days|weeks)|\d{1,6} (days|weeks)|end of (the )?(month|quarter))\b/,
    /\b(ends? (on|in|next)|expires?|deadline|go live|be live|live (by|before)|start(ing)? (on|from|next)|esta semana|este mes|cuanto antes|lo antes posible|cette semaine|ce mois|rapidement)\b/,
    /\b(au plus vite|lundi|diese woche|so schnell wie moglich)\b/,
    /\b(sofort|dringend|zeitnah|final do trimestre|ate ao final|o quanto antes|questa settimana|entro|subito|ya)\b/,
    /今週|来月|至急|早急/,
  ],
  timelineLater: [
    /\b(next (year|fiscal|season|quarter|month)|later (this|in the) year|in q[1-4]|no rush|no hurry|sometime|some point|someday|eventually|for now|not decided|nothing decided|no decision)\b/,
    /\b(maybe|might be|might|thinking about|considering|plan to decide|long term|future|down the road|fruhestens|nachstes jahr|irgendwann|proximo (mes|ano)|algun momento|l'annee prochaine)\b/,
    /\b(plus tard|pas presse|sin prisa|sem pressa)\b/,
    /\b(futuro)\b/,
    /未定|将来/,
  ],
  budget: [
    /\b(budget|approved|hold the budget|ready to pay|can pay|pay (upfront|annually|by invoice|by card)|po ready|purchase order|signed off|sign-off|presupuesto|orcamento|aprobado|aprovado)\b/,
    /\b(approuve|genehmigt|\d{1,6}k\s?\/\s?(yr|year|month)|per (month|year|seat|user)|a month|a year|\/month|\/year|\/yr)\b|[$£€]\s?\d|\d\s?(€|eur|usd|gbp)\b/,
    /予算/,
  ],
  size: [
    /\b(team of \d{1,6}|\d{1,6}-(person|people|seat|user|agent))\b/,
    /\b\d{1,6}[ \t]([a-z-]{1,15} ){1,2}(staff|agents|seats|users|employees|people|reps)\b/,
    /\b\d{1,6}\+?[ \t]?(seats?|users?|licen[cs]es?|agents?|staff|employees|people|persons|locations|stores|shops|offices|branches)\b/,
    /\b\d{1,6}\+?[ \t]?(sites|warehouses|hospitals|clinics|schools|hotels|utilisateurs|usuarios|utilizadores|agentes|mitarbeiter(innen)?)\b/,
    /\b\d{1,6}\+?[ \t]?(personas|pessoas|persone|dipendenti|salaries|collaborateurs|farmacias|tiendas|filialen|standorte)\b/,
    /\b\d{1,6}(名|人|席|拠点)/,
  ],
  authority: [
    /\b(director|vp|vice president|ceo|cfo|cto|cio|coo|ciso|head of|managing partner|partner here|owner|founder|co-founder|president|procurement|purchasing|buyer|decision (is )?mine)\b/,
    /\b(decision maker|(i'?m|i am) the (owner|founder|director|head|manager|ceo|cfo|cto)|our board|board approved|approved by|i can (get it )?sign|i can approve|my call)\b/,
    /\b(practice administrator|it manager|operations manager|gm)\b/,
    /\b(general manager|directeur|directrice|gerente|director general|responsable|geschaftsfuhrer(in)?|leiter(in)?|inhaber|proprietario|diretor(a)?|dueno)\b/,
    /部長|社長|担当/,
  ],
  buyAction: [
    /\b(quote|quotation|order form|contract|sign|signed|purchase|buy|proposal|agreement|msa|dpa|w-9|w9|security (review|questionnaire)|vendor (forms?|onboarding|registration)|bank details)\b/,
    /\b(payment terms|invoice|convert to paid|paid plan|upgrade|annual (plan|billing|contract)|enterprise (plan|quote|license)|group license|ready to (buy|sign|start|go|move))\b/,
    /\b(we (have )?(chose|chosen|selected|decided))\b/,
    /\b(move forward|go ahead|bon de commande|devis|signer|commander|proposta|contrato|cotizacion|cotacao|factura|fatura|angebot|bestellen|auftrag|vertrag|kaufen|comprar|acheter|preventivo)\b/,
    /\b(ordine)\b/,
    /見積|発注|契約/,
  ],
  need: [
    /\b(we need|i need|need (a|an|your|something|to|it)|needs|must have|requirement|replace|replacing|replacement|moving off|move away from|switch(ing)? (from|away|to)|migrat(e|ed|es|ing|ion))\b/,
    /\b(discontinued|shuts? down|shutting down|sunset[a-z]{0,12}|terminating|current (provider|vendor|tool|system|contract)|contract ends|renewal|necesitamos|necesito|precisamos|preciso|precisa)\b/,
    /\b(besoin|avons besoin|brauchen|benotigen)\b/,
    /\b(abbiamo bisogno|servono)\b/,
    /移行|必要/,
  ],
  // Warm: interest without a commitment.
  explore: [
    /\b(exploring|explore|evaluat[a-z]{1,12}|comparing|compare|comparison|versus|vs|alternative|considering|researching|looking (at|into|around|for)|shopping around|interested|interest)\b/,
    /\b(more (info[a-z]{0,12}|details)|information|overview|brochure|price list|pricing|prices?|cost|costs|how much|cheapest|plans?|tiers?|trial|demo|does (it|yours|your)|can (it|your|you))\b/,
    /\b(do you (support|offer|have|integrate)|is it possible)\b/,
    /\b(support for|integrat[a-z]{1,12}|compatible|features?|webinar|tell me more|learn more|send (me|us) (some|more|info|an|the)|referr[a-z]{1,12}|recommended|colleague|a friend|heard (about|of)|saw your)\b/,
    /\b(tarifs?|prix|combien|renseignements|precios?|cuanto|informacion|quanto|informacoes|precos?|preise|kosten|was kostet|informationen|interessier[a-z]{1,12}|analizando|analisando|prezzi|costi)\b/,
    /\b(informazioni|interessati|webinaire)\b/,
    /資料|興味|検討|料金|価格/,
  ],
  // Cold: a person with no purchase in mind.
  notBuying: [
    /\b(student|students|estudante|estudiante|etudiant[a-z]{0,12}|studente|schuler|thesis|dissertation|tesis|tese|university|universidad|universite|homework|school project|class project|assignment)\b/,
    /\b(research(er)?|survey|academic|study|lab|journalist|article|press|blog post|podcast|interview|internship|intern|praktikum|pasantia|estagio|job|jobs|career|careers|cv|resume|hiring)\b/,
    /\b(vacanc[a-z]{1,12}|position|recruiter|candidates)\b/,
    /\b(unsubscribe|remove me|stop (emailing|sending)|opt me out|retirer|desinscri[a-z]{1,12}|liste de diffusion|abmelden|darse de baja|descadastrar|by mistake|by accident|accidentally|par erreur)\b/,
    /\b(por error|por engano|wrong (site|company|address)|no budget|don't need|do not need|no need|not (going|able) to pay|can't afford|something free|for free)\b/,
    /\b(free (plan|version|account|tier|resource|template|ebook|whitepaper))\b/,
    /\b(newsletter|whitepaper|ebook|hobby|personal use|just (curious|looking|browsing|wanted to (say|let))|out of curiosity|curious|no need to (contact|follow)|affiliate|afiliados|reseller)\b/,
    /\b(partnership|sponsor[a-z]{0,12}|competitor|concorrente|competencia|we also build|password|contrasena|mot de passe|passwort|senha|reset|log ?in|existing (customer|user|account))\b/,
    /\b(already (a customer|use|using))\b/,
    /\b(support (question|request|ticket)|my (subscription|invoice|order|bill)|cancel (my|our)|refund|not working|bug|delete my (account|data)|gdpr|dsgvo|rgpd|loschung|loschen|my account)\b/,
    /\b(download the (mobile )?app|course|teaching|what is this)\b/,
  ],
  // Spam: the sender is the one selling, or it is a scam.
  selling: [
    /\b(seo|backlinks?|link (building|insertion)|sponsored (post|content|article)|content writing|write for (you|your)|explainer videos?|video production|cold (email|outreach)|b2b data)\b/,
    /\b(attendee list|(buy|purchase) (the|our|a) (list|database)|email database|staff augmentation|nearshore|hire (our|dedicated)|low cost|affordable (rates|prices?))\b/,
    /\b(we are a (leading|top|professional|reputed))\b/,
    /\b((leading|top) (agency|company) (in|for)|guest posts?|dofollow|domain authority|ranking|rank(ed)? (on|#|first|higher)|first page|page one|top of google|google (ranking|search))\b/,
    /\b(traffic|outbound|lead (lists?|generation|gen)|qualified (meetings|leads|appointments|demos|calls)|appointment sett[a-z]{2,4}|book(s|ed)? \d{1,6}\+? (meetings|calls|demos)|email lists?|contact lists?)\b/,
    /\b(database of|decision makers)\b/,
    /\b(verified (emails|contacts|leads)|app development|development (company|agency|team|services)|developers? (at|from)|dedicated (developers|team|assistants)|web ?design|redesign)\b/,
    /\b(wordpress|shopify|translate (it|your)|translation services|rate card|virtual assistants?|offshore|outsourc[a-z]{1,12}|white ?label|influencers?|followers|likes|reviews for)\b/,
    /\b(marketing (digital|services|agency)|digital marketing)\b/,
    /\b(social media (marketing|management)|servicios de marketing|our services|we (offer|provide|specialize|specialise))\b/,
    /\b(we can (build|get|help|bring|translate|redesign|boost|increase|grow|rank)|(boost|increase|grow|double|triple) your|10x)\b/,
    /\b(free (audit|diagnosis|analysis|consultation|trial session|mockups?)|case study|masterclass|reply (stop|yes)|opt out|packages? (from|desde|starting))\b/,
    /\b(special (price|offer|pricing)|limited (time|offer)|per hour|hourly rate|per article|per word|posicionamiento|referencement|nosso servico|nuestros servicios|nos services)\b/,
    /\b(unsere dienstleistung[a-z]{0,12}|your (website|site|web site|online presence|brand|instagram|google|domain|listing))\b|\/(hr|hour|word)\b/,
    /seo対策|上位表示|無料診断/,
  ],
  scam: [
    /\b(crypto[a-z]{0,12}|bitcoin|btc|ethereum|forex|trading signals|returns guaranteed|guaranteed (returns|profit|results)|passive income|investment opportunity|casino|slots|betting|free spins)\b/,
    /\b(viagra|cialis|prescription|pharmacy|meds|singles|dating|adult|xxx|gift cards?|unclaimed|deceased|beneficiary|inheritance|next of kin|lottery|winner|you (have )?won|win a free)\b/,
    /\b(claim (your|now|it)|click here|earn \$?\d{1,6})\b/,
    /\b(make money|autotrading|western union|delivery status notification|mailer-daemon|undeliverable|verify your account|account (suspended|will be closed)|final notice)\b/,
    /\b(renew now|invoice attached|loan offer|click the link|verify your|password (expired|expires)|prestamo|credito rapido)\b/,
  ],
  injection: [
    /\b(ignore (all |any )?(the |your )?(previous|prior|above|earlier|preceding) (instructions|prompts?|rules|messages?)|disregard (all |the |your )?(previous|prior|above|instructions))\b/,
    /\b(new instructions?|respond with|classify (this|it|me|the lead) as|mark (this|every|all|it|me)( [a-z]{1,12}){0,3} as|set (the )?(category|urgency|priority)|you are a helpful|you are now)\b/,
    /\b(as an ai|draftreply|event_data|jailbreak)\b/,
    /\b(system|assistant|category|urgency|priority) ?[:=]|\[\/?inst\]|<\|/,
  ],
  gibberish: /\b(asdf|qwerty|kjh|lkj|zxcv)|\b(test test|testing 123|lorem ipsum|xxx)\b/,
};
