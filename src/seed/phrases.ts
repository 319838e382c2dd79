/**
 * Phrase banks of the seed data.
 *
 * Neutral sentences never contain a topic phrase of the example model, even with the widest
 * strictness gap (the unit tests check it), so an interaction built from them alone has no
 * detection at all. Foreign-language topic phrases are listed per language; each one is a
 * phrase of that topic in config/topics.example.yaml (checked by the tests too).
 */

export const Languages = ["en-us", "fr-fr", "de-de", "es-es"] as const
export type Language = (typeof Languages)[number]

export interface NeutralBank {
  readonly external: ReadonlyArray<string>
  readonly internal: ReadonlyArray<string>
  /** Words slipped between a phrase's words ("cancel um my subscription"). */
  readonly fillers: ReadonlyArray<string>
  /** Openers put before a phrase ("Well, "). */
  readonly leads: ReadonlyArray<string>
}

/** `{n}` is replaced by a number, `{name}` by a first name. */
export const neutral: Readonly<Record<Language, NeutralBank>> = {
  "en-us": {
    external: [
      "Hi, I'm calling about my order from last Tuesday.",
      "Yes, that's correct.",
      "My reference number is {n}.",
      "I already tried that yesterday evening.",
      "It happened again this morning.",
      "Sure, my email is {name}@example.com.",
      "Okay, I'll wait.",
      "The app just shows a spinning wheel.",
      "I live at {n} Maple Street.",
      "Can you check the notes on file?",
      "That sounds fine to me.",
      "I got a letter about it last month.",
      "My daughter set it up for me.",
      "I've been with you for years.",
      "No, that was the old one.",
      "Alright, let me grab a pen.",
      "I'm not sure what happened there.",
      "The last time I spoke with somebody it took ages.",
      "Right, I see.",
      "Could you repeat the last part?",
      "It's {name}, spelled the usual way.",
      "I'm at work until five, so evenings are best.",
      "The box arrived on Friday.",
      "Hold on, the dog is barking.",
      "I wrote it down somewhere, give me a minute.",
      "Is that the one with the blue light on the front?"
    ],
    internal: [
      "Let me pull up your details.",
      "I can see that on my screen now.",
      "Could you spell your last name for me?",
      "Okay, I've made a note of that.",
      "Let me check that for you.",
      "Give me a second while the page loads.",
      "I'm looking at the notes from the previous call.",
      "That's been updated on our side.",
      "You should receive an email confirmation shortly.",
      "The reference for this conversation is {n}.",
      "I've sent you a link by text.",
      "Is this still the best number to reach you?",
      "Perfect, that matches what I have here.",
      "It may take up to 24 hours to show.",
      "I'll stay on the line with you.",
      "Thanks {name}, that's all noted.",
      "Can you read me the number on the sticker?",
      "I see two entries here, let me look at both.",
      "Okay, that went through.",
      "You'll see it on the portal tomorrow morning."
    ],
    fillers: ["um", "uh", "like", "really", "just", "actually", "basically"],
    leads: ["", "", "", "So ", "Well, ", "Honestly, ", "Okay so ", "Yeah, ", "Look, "]
  },
  "fr-fr": {
    external: [
      "Bonjour, je vous appelle au sujet de ma commande.",
      "Oui, c'est exact.",
      "D'accord, très bien.",
      "Mon numéro de client est le {n}.",
      "Je n'ai pas reçu le courrier électronique.",
      "Pouvez-vous vérifier les détails, s'il vous plaît ?",
      "Ça a recommencé ce matin.",
      "Je préfère être rappelé demain après-midi.",
      "C'est ma fille qui s'en occupe d'habitude.",
      "J'habite au {n} rue des Lilas."
    ],
    internal: [
      "Je regarde votre dossier.",
      "Voilà, c'est noté.",
      "Pouvez-vous épeler votre nom de famille ?",
      "Je vois bien la dernière intervention.",
      "Vous allez recevoir un courriel de confirmation.",
      "Un instant, la page se charge.",
      "C'est enregistré de notre côté, {name}."
    ],
    fillers: ["euh", "bon", "enfin", "vraiment"],
    leads: ["", "", "Alors, ", "Bon, ", "Écoutez, "]
  },
  "de-de": {
    external: [
      "Guten Tag, ich rufe wegen meiner Bestellung an.",
      "Ja, das ist richtig.",
      "Meine Kundennummer ist {n}.",
      "Das hat gestern Abend schon einmal nicht geklappt.",
      "Können Sie das bitte überprüfen?",
      "Ich höre Sie gut.",
      "Die Unterlagen kamen letzte Woche.",
      "Meine Tochter hat das für mich eingerichtet.",
      "Ich wohne in der Hauptstraße {n} in München."
    ],
    internal: [
      "Ich schaue mir Ihre Daten an.",
      "Einen Augenblick, die Seite lädt.",
      "Können Sie mir Ihren Nachnamen buchstabieren?",
      "Das ist bei uns vermerkt.",
      "Sie bekommen gleich eine Bestätigung per E-Mail.",
      "Alles klar, {name}, ich habe es notiert."
    ],
    fillers: ["äh", "ähm", "halt", "wirklich"],
    leads: ["", "", "Also, ", "Naja, ", "Schauen Sie, "]
  },
  "es-es": {
    external: [
      "Hola, llamo por mi pedido de la semana pasada.",
      "Sí, es correcto.",
      "Mi número de cliente es {n}.",
      "Ya lo intenté ayer por la tarde.",
      "¿Puede revisar los datos, por favor?",
      "Perfecto, está bien.",
      "Mañana por la mañana me viene mejor.",
      "Me llegó una carta el mes pasado.",
      "Vivo en la calle Mayor número {n}."
    ],
    internal: [
      "Estoy revisando su expediente.",
      "Un momento, la página está cargando.",
      "¿Me puede deletrear su apellido?",
      "Ya está anotado en el sistema.",
      "Recibirá un correo de confirmación en breve.",
      "De acuerdo, {name}, lo dejo registrado."
    ],
    fillers: ["eh", "pues", "bueno", "realmente"],
    leads: ["", "", "Mire, ", "Bueno, ", "Pues, "]
  }
}

export const firstNames: ReadonlyArray<string> = [
  "Alex", "Maria", "Jordan", "Priya", "Chen", "Fatima", "Lukas", "Sofia", "Mateo", "Amélie",
  "Jürgen", "Noah", "Olivia", "Zoë", "Hannah", "Diego", "Inès", "Yusuf", "Emma", "Björn"
]

/** Topic phrases per non-English language: topic id → phrases (all present in the example model). */
export const foreignPhrases: Readonly<Record<Exclude<Language, "en-us">, Readonly<Record<string, ReadonlyArray<string>>>>> = {
  "fr-fr": {
    "t-greeting": ["merci de votre appel", "bienvenue chez Northwind"],
    "t-closing": ["bonne journée"],
    "t-empathy": ["je comprends votre frustration"],
    "t-thanks": ["merci beaucoup"],
    "t-complaint": ["faire une réclamation"],
    "t-cancellation": ["résilier mon abonnement"],
    "t-refund-request": ["un remboursement"],
    "t-password-reset": ["mot de passe oublié"],
    "t-outage": ["panne de réseau"],
    "t-pricing-question": ["combien ça coûte"],
    "t-data-privacy": ["données personnelles"]
  },
  "de-de": {
    "t-greeting": ["vielen Dank für Ihren Anruf"],
    "t-closing": ["einen schönen Tag noch"],
    "t-empathy": ["das tut mir leid"],
    "t-complaint": ["Beschwerde einreichen"],
    "t-cancellation": ["Kündigung meines Vertrags"],
    "t-refund-request": ["Rückerstattung"],
    "t-password-reset": ["Passwort zurücksetzen"],
    "t-outage": ["Störung im Netz"],
    "t-pricing-question": ["wie viel kostet"],
    "t-data-privacy": ["Datenschutz"]
  },
  "es-es": {
    "t-greeting": ["gracias por llamar"],
    "t-closing": ["que tenga un buen día"],
    "t-empathy": ["lo siento mucho"],
    "t-thanks": ["muchas gracias"],
    "t-complaint": ["poner una queja"],
    "t-cancellation": ["cancelar mi suscripción"],
    "t-refund-request": ["un reembolso"],
    "t-password-reset": ["restablecer mi contraseña"]
  }
}
